// Everything here talks to Yjs docs over WebSockets from the browser; there is nothing to render on the server.
export const ssr = false;
export const prerender = false;
