/** How many items a cursor-paged list asks for at a time. */
export const PAGE_SIZE = 20;
