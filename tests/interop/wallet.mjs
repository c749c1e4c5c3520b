// An independent OpenID4VCI 1.0 wallet: npm @openid4vc/openid4vci and @openid4vc/oauth2 (versions
// pinned in package.json / package-lock.json) driving the issuer over real HTTP.
//
//   echo '{"offer": "openid-credential-offer://?credential_offer_uri=…", "txCode": "123456",
//          "batch": 3}' | node wallet.mjs
//
// Steps: offer by reference → issuer and authorization-server metadata (the version the library
// detects is reported) → token with the pre-authorized code, tx_code and DPoP (the library answers
// the DPoP-Nonce challenge itself) → nonce endpoint → one credential request with `batch` key
// proofs (proofs.jwt, one fresh ES256 key each) → notification (credential_accepted).
//
// Prints one JSON object on stdout: the detected version, the credentials with their holder keys
// (DEV ONLY, made for this run), the notification's HTTP status and a trace of every HTTP exchange
// (method, URL, status, whether a DPoP proof was sent and a DPoP-Nonce received). Exit code 1 and
// {"error": …} on stdout when any step fails.

import crypto from 'node:crypto'
import { text } from 'node:stream/consumers'

import { clientAuthenticationAnonymous, HashAlgorithm } from '@openid4vc/oauth2'
import { Openid4vciClient, setGlobalConfig } from '@openid4vc/openid4vci'
import * as jose from 'jose'

const input = JSON.parse(await text(process.stdin))
const batch = input.batch ?? 3

// The issuer under test listens on http://127.0.0.1 (its dev setting for loopback addresses).
setGlobalConfig({ allowInsecureUrls: true })

const trace = []
async function tracedFetch(url, init = {}) {
  const response = await fetch(url, init)
  const headers = new Headers(init.headers ?? {})
  trace.push({
    method: (init.method ?? 'GET').toUpperCase(),
    url: String(url),
    status: response.status,
    dpop: headers.has('DPoP'),
    dpopNonce: response.headers.has('DPoP-Nonce'),
    error: response.status >= 400 ? await errorCode(response.clone()) : null,
  })
  return response
}

async function errorCode(response) {
  const challenge = response.headers.get('WWW-Authenticate')
  if (challenge) return /error="([^"]+)"/.exec(challenge)?.[1] ?? null
  try {
    return (await response.json()).error ?? null
  } catch {
    return null
  }
}

// Private keys of this run, by RFC 7638 thumbprint of their public part.
const privateKeys = new Map()

async function newKey() {
  const { privateKey, publicKey } = await jose.generateKeyPair('ES256', { extractable: true })
  const publicJwk = await jose.exportJWK(publicKey)
  const privateJwk = await jose.exportJWK(privateKey)
  privateKeys.set(await jose.calculateJwkThumbprint(publicJwk), privateJwk)
  return { publicJwk, privateJwk, signer: { method: 'jwk', alg: 'ES256', publicJwk } }
}

async function signJwt(signer, { header, payload }) {
  if (signer.method !== 'jwk') throw new Error(`signer method ${signer.method} not supported`)
  const privateJwk = privateKeys.get(await jose.calculateJwkThumbprint(signer.publicJwk))
  if (!privateJwk) throw new Error('no private key for this public key')
  const key = await jose.importJWK(privateJwk, signer.alg)
  const jwt = await new jose.SignJWT(payload).setProtectedHeader(header).sign(key)
  return { jwt, signerJwk: signer.publicJwk }
}

const client = new Openid4vciClient({
  callbacks: {
    fetch: tracedFetch,
    hash: (data, alg) => {
      if (alg !== HashAlgorithm.Sha256) throw new Error(`hash ${alg} not supported`)
      return crypto.createHash('sha256').update(data).digest()
    },
    generateRandom: (length) => crypto.randomBytes(length),
    // pre-authorized_grant_anonymous_access_supported: no client_id at the token endpoint
    clientAuthentication: clientAuthenticationAnonymous(),
    signJwt,
  },
})

async function run() {
  const credentialOffer = await client.resolveCredentialOffer(input.offer)
  const issuerMetadata = await client.resolveIssuerMetadata(credentialOffer.credential_issuer)
  const [configurationId] = credentialOffer.credential_configuration_ids

  const dpopKey = await newKey()
  const token = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
    credentialOffer,
    issuerMetadata,
    txCode: input.txCode,
    dpop: { signer: dpopKey.signer },
  })
  const accessToken = token.accessTokenResponse.access_token

  const { c_nonce: nonce } = await client.requestNonce({ issuerMetadata })
  const holders = []
  const proofs = []
  for (let i = 0; i < batch; i += 1) {
    const holder = await newKey()
    const { jwt } = await client.createCredentialRequestJwtProof({
      issuerMetadata,
      credentialConfigurationId: configurationId,
      signer: holder.signer,
      nonce,
    })
    holders.push(holder)
    proofs.push(jwt)
  }
  const retrieved = await client.retrieveCredentials({
    issuerMetadata,
    accessToken,
    credentialConfigurationId: configurationId,
    proofs: { jwt: proofs },
    dpop: { signer: dpopKey.signer, nonce: token.dpop?.nonce },
  })
  const { credentials, notification_id: notificationId } = retrieved.credentialResponse

  const notified = await client.sendNotification({
    issuerMetadata,
    accessToken,
    notification: { notificationId, event: 'credential_accepted' },
    dpop: { signer: dpopKey.signer, nonce: retrieved.dpop?.nonce },
  })

  return {
    version: issuerMetadata.originalDraftVersion,
    credentialIssuer: issuerMetadata.credentialIssuer.credential_issuer,
    authorizationServers: issuerMetadata.authorizationServers.map((server) => server.issuer),
    configurationId,
    tokenType: token.accessTokenResponse.token_type,
    credentials: credentials.map((item, i) => ({
      credential: item.credential,
      holderPublicJwk: holders[i].publicJwk,
      holderPrivateJwk: holders[i].privateJwk,
    })),
    notificationId,
    notificationStatus: notified.response.status,
    trace,
  }
}

try {
  process.stdout.write(`${JSON.stringify(await run())}\n`)
} catch (error) {
  const detail = error?.errorResponse ?? error?.response?.status ?? null
  process.stdout.write(`${JSON.stringify({ error: String(error?.message ?? error), detail, trace })}\n`)
  process.exitCode = 1
}
