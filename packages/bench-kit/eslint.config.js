export { default } from '@tablemap/lint-config';
