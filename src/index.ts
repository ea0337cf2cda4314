// The library behind the commands, for programs that want it without the CLI.
export {buildClaims, parseClaimArgs} from './lib/claims.js'
export {resolveCredentials} from './lib/credentials.js'
export {EXIT_CODES, PluginError} from './lib/errors.js'
export {decodeJwt, inspectJwt, signJwt} from './lib/jwt.js'
export {parsePrivateKey, parsePublicKey, readKeyText} from './lib/keys.js'
