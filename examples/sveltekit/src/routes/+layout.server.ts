// Every page is rendered on the server; none needs JavaScript in the browser.
export const csr = false;
