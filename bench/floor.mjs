// The practical floor for jwt:generate: RS256 with node:crypto alone, no library, no argument parsing.
import {createPrivateKey, createSign, randomUUID} from 'node:crypto'
import {readFileSync} from 'node:fs'

const [keyFile, ...claims] = process.argv.slice(2)
const iat = Math.floor(Date.now() / 1000)
const payload = {...Object.fromEntries(claims.map((claim) => claim.split('='))), exp: iat + 900, iat, jti: randomUUID()}
const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url')
const signed = `${encode({alg: 'RS256', typ: 'JWT'})}.${encode(payload)}`
const signature = createSign('RSA-SHA256')
  .update(signed)
  .sign(createPrivateKey(readFileSync(keyFile)))
  .toString('base64url')
process.stdout.write(`${signed}.${signature}\n`)
