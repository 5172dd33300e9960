// Rendered on the server only: /sign-in and /sign-out are server routes, not pages.
export const csr = false;
