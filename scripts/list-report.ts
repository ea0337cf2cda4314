// A stopgap for the --json contract (scripts/json-schemas.ts): messenger:list returns an inline
// `{accounts: ListedAccount[]}`, which has no name to generate its schema from. Delete this file
// once ListReport is exported next to the other linking results, and point the table there.
import type {ListedAccount} from '../src/lib/messenger.js'

export type ListReport = {accounts: ListedAccount[]}
