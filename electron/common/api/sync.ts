/** sync.* methods: grown by the sync issue. */
export const syncMethods = {} as const;
