// An independent SD-JWT VC verifier: npm @sd-jwt/sd-jwt-vc with @sd-jwt/crypto-nodejs (versions
// pinned in package.json / package-lock.json), for credentials the issuer returned to a wallet.
//
//   echo '{"credentials": [{"credential": "…", "holderPrivateJwk": {…}}], "issuerJwk": {…},
//          "statusJwk": {…}, "vct": "…", "iss": "…", "aud": "…", "nonce": "…"}' | node verify.mjs
//
// For each credential: the issuer's signature (issuerJwk), exp, the status entry (the library
// fetches the status list from its URI over HTTP, checks its signature with statusJwk and needs
// status 0), vct and iss; then a presentation of every disclosure with a key-binding JWT signed by
// the holder key, verified with the key in the credential's cnf.jwk and the nonce.
//
// Prints one JSON object on stdout: {"results": [{"vct", "iss", "cnfJwk", "claims",
// "keyBound"}]}, or {"error": …} and exit code 1 when a check fails.

import { text } from 'node:stream/consumers'

import { digest, ES256 } from '@sd-jwt/crypto-nodejs'
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc'

const input = JSON.parse(await text(process.stdin))

async function verifyOne({ credential, holderPrivateJwk }) {
  const holderCheck = async (data, signature, payload) => {
    const verify = await ES256.getVerifier(payload.cnf.jwk)
    return verify(data, signature)
  }
  const sdjwt = new SDJwtVcInstance({
    hasher: digest,
    hashAlg: 'sha-256',
    verifier: await ES256.getVerifier(input.issuerJwk),
    statusVerifier: await ES256.getVerifier(input.statusJwk),
    kbSigner: await ES256.getSigner(holderPrivateJwk),
    kbSignAlg: ES256.alg,
    kbVerifier: holderCheck,
  })
  const issued = await sdjwt.verify(credential)
  const { payload } = issued
  if (payload.vct !== input.vct) throw new Error(`vct ${payload.vct}, expected ${input.vct}`)
  if (payload.iss !== input.iss) throw new Error(`iss ${payload.iss}, expected ${input.iss}`)
  if (!payload.status?.status_list) throw new Error('no status_list reference')

  const frame = Object.fromEntries(Object.keys(await sdjwt.getClaims(credential)).map((k) => [k, true]))
  const presentation = await sdjwt.present(credential, frame, {
    kb: { payload: { iat: Math.floor(Date.now() / 1000), aud: input.aud, nonce: input.nonce } },
  })
  const presented = await sdjwt.verify(presentation, { keyBindingNonce: input.nonce })
  if (presented.kb?.payload.aud !== input.aud) throw new Error('key-binding aud not kept')
  return {
    vct: payload.vct,
    iss: payload.iss,
    cnfJwk: payload.cnf.jwk,
    claims: presented.payload,
    keyBound: Boolean(presented.kb),
  }
}

try {
  const results = []
  for (const item of input.credentials) results.push(await verifyOne(item))
  process.stdout.write(`${JSON.stringify({ results })}\n`)
} catch (error) {
  process.stdout.write(`${JSON.stringify({ error: String(error?.message ?? error) })}\n`)
  process.exitCode = 1
}
