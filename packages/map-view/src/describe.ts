// The text summary is plain data work, so it lives in the model where the report package uses it too.
export { describeLink, describeMap, relationshipLabel } from '@tablemap/model';
