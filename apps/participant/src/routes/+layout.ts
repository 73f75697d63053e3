// The app is a client-side Yjs app: the server only serves the shell.
export const ssr = false;
export const prerender = false;
