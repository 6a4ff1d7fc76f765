/** signing.* methods: grown by the signing issue. */
export const signingMethods = {} as const;
