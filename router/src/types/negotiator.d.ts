// The part of negotiator (a dependency of Apollo Server, used as it uses it) the router calls.
declare module 'negotiator' {
  export default class Negotiator {
    constructor(request: { headers: Record<string, string | undefined> });
    mediaType(available?: string[]): string | undefined;
  }
}
