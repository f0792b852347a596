import { createContext, useContext } from "react";

// The CSP nonce of the HTML response being rendered on the server. In the browser it stays "":
// browsers hide nonce attributes from scripts, and hydration does not need the value.
const NonceContext = createContext("");

export const NonceProvider = NonceContext.Provider;

export function useNonce(): string {
  return useContext(NonceContext);
}
