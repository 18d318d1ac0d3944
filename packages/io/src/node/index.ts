// Node-only helpers (file system): filled in by the io work.
export {};
