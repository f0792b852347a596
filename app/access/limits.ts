// Limits shared by the server's checks and the forms that show them (maxLength, hints).

export const MAX_SEARCH_LENGTH = 100;
export const MAX_HEADLINE_LENGTH = 140;
export const DIRECTORY_PAGE_SIZE = 20;
