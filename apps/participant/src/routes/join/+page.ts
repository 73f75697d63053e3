import { redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';

// Printed table packs say "go to …/join and enter the code": the home page asks for it.
export function load(): never {
  redirect(307, resolve('/'));
}
