import { fileURLToPath } from 'node:url'

/** The repository's root, with a trailing slash: the defaults of file paths are under it. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
