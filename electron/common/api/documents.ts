/** documents.* methods: grown by the documents issue. */
export const documentsMethods = {} as const;
