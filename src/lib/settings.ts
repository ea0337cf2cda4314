// What a command was asked to do, as typed settings: each command turns its flags into these once
// (src/lib/flags.ts), and the library takes them — never oclif's flag objects. Also the one clock.

/** Where Vonage is, how long to wait for each answer, and the API credentials given, if any. */
export interface VonageSettings {
  host: string
  timeoutMs: number
  /** Given on the command line; the credentials resolver looks elsewhere for what is missing. */
  apiKey?: string
  apiSecret?: string
}

/** Where Facebook's Graph API is, and the user token that lists the user's Pages. */
export interface GraphSettings {
  /** Checked (and normalised) when the Graph client is made: only commands that call Graph need it right. */
  host: string
  version: string
  timeoutMs: number
  userToken?: string
}

/** How the linking calls authenticate: a JWT, an application and its key, or else the API key and secret. */
export interface AuthSettings {
  jwt?: string
  appId?: string
  /** A file, "-" or PEM; without it, VONAGE_PRIVATE_KEY. */
  privateKey?: string
  /** Sign with a temporary application made (and deleted again) with the API key and secret. */
  tempApp: boolean
}

/** Which Page: by id with its Page token, or by id or name among the Pages the user token manages. */
export interface PageSettings {
  page?: string
  pageId?: string
  /** The Page token, or "-" to read it from standard input. */
  pageToken?: string
}

/** Everything the linking commands are given. */
export interface LinkingSettings {
  vonage: VonageSettings
  auth: AuthSettings
  graph: GraphSettings
}

/** Seconds since 1970. */
export type Clock = () => number

export const systemClock: Clock = () => Math.floor(Date.now() / 1000)
