// Sends the SDK's whole real flow (OAuth at the auth host, tenant lookup, tenant API calls) to a local
// Kibo emulator. The SDK builds `https://<host>/api/...` URLs from the auth host and from the domain the
// tenant lookup answers; the emulator speaks plain HTTP on 127.0.0.1, so every https URL is re-pointed at
// the emulator's origin with its path and query kept. Used only when KIBO_EMULATOR_URL is set.

/** The fetch shape the SDK calls (isomorphic-fetch conventions: a string URL plus an init). */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export function createEmulatorRoutingFetch(emulatorUrl: string, baseFetch: FetchLike = fetch): FetchLike {
  const origin = parseEmulatorOrigin(emulatorUrl);
  return async (input, init) => {
    if (input instanceof Request) {
      const target = routeUrl(new URL(input.url), origin);
      // A Request's body can be read only once: rebuild it on the new URL, letting init override as fetch does.
      return baseFetch(target === input.url ? input : new Request(target, input), init);
    }
    const url = input instanceof URL ? input : new URL(input);
    return baseFetch(routeUrl(url, origin), init);
  };
}

function parseEmulatorOrigin(emulatorUrl: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(emulatorUrl);
  } catch (error) {
    throw new Error(
      `The Kibo emulator URL "${emulatorUrl}" is not a valid URL; set it like http://127.0.0.1:8089`,
      { cause: error },
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`The Kibo emulator URL "${emulatorUrl}" must start with http:// or https://`);
  }
  return new URL(parsed.origin);
}

/** Every https URL goes to the emulator; other URLs (already the emulator's, or plain http elsewhere) pass as they are. */
function routeUrl(url: URL, origin: URL): string {
  if (url.origin === origin.origin || url.protocol !== 'https:') return url.href;
  // Built from parts: the URL host setter would keep the original port when the emulator's has none.
  return `${origin.origin}${url.pathname}${url.search}${url.hash}`;
}
