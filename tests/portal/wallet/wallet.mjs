// A wallet that starts issuance on its own side (OpenID4VCI 1.0 authorization-code flow, HAIP):
// the npm @openid4vc client with a wallet attestation it mints itself (signed by a DEV-ONLY
// wallet-provider key the test hands it), PAR, PKCE S256, DPoP, then nonce, a batch of key
// proofs, the credential request and a notification.
//
//   node wallet.mjs CONFIG.json
//
// CONFIG: {"issuer", "configuration_id", "client_id", "redirect_uri", "batch",
//          "wallet_provider": {"id", "private_jwk"}}
// Talks on stdout/stdin, one JSON object per line: it prints {"authorize": url}, reads back
// {"redirect": url} (the browser's landing URL at redirect_uri, after the citizen logged in), and
// prints {"credentials": [...], "token": {...}} or {"error": message}.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import * as jose from 'jose';
import {
  clientAuthenticationClientAttestationJwt,
  createClientAttestationJwt,
  HashAlgorithm,
} from '@openid4vc/oauth2';
import { Openid4vciClient } from '@openid4vc/openid4vci';
import { setGlobalConfig } from '@openid4vc/utils';

setGlobalConfig({ allowInsecureUrls: true }); // the issuer under test is http on 127.0.0.1

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const privateKeys = new Map();

async function newKey() {
  const { publicKey, privateKey } = await jose.generateKeyPair('ES256', { extractable: true });
  const publicJwk = await jose.exportJWK(publicKey);
  privateKeys.set(await jose.calculateJwkThumbprint(publicJwk), privateKey);
  return publicJwk;
}

async function signJwt(signer, { header, payload }) {
  const publicJwk = signer.publicJwk;
  const key = publicJwk && privateKeys.get(await jose.calculateJwkThumbprint(publicJwk));
  if (!key) throw new Error(`no private key for signer method ${signer.method}`);
  const jwt = await new jose.CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader(header)
    .sign(key);
  return { jwt, signerJwk: publicJwk };
}

const baseCallbacks = {
  fetch,
  signJwt,
  generateRandom: (length) => new Uint8Array(randomBytes(length)),
  hash: (data, alg) => {
    if (alg !== HashAlgorithm.Sha256) throw new Error(`unsupported hash ${alg}`);
    return new Uint8Array(createHash('sha256').update(data).digest());
  },
};

function say(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function main() {
  // the wallet provider (its private key from the test: the issuer trusts its public key)
  const providerPrivate = await jose.importJWK(config.wallet_provider.private_jwk, 'ES256');
  const { d, ...providerPublic } = config.wallet_provider.private_jwk;
  privateKeys.set(await jose.calculateJwkThumbprint(providerPublic), providerPrivate);
  const instanceJwk = await newKey();
  const clientAttestationJwt = await createClientAttestationJwt({
    issuer: config.wallet_provider.id,
    clientId: config.client_id,
    confirmation: { jwk: instanceJwk },
    expiresAt: new Date(Date.now() + 3600 * 1000),
    signer: { method: 'jwk', alg: 'ES256', publicJwk: providerPublic },
    callbacks: { signJwt },
  });
  const callbacks = {
    ...baseCallbacks,
    clientAuthentication: clientAuthenticationClientAttestationJwt({ clientAttestationJwt, callbacks: baseCallbacks }),
  };
  const client = new Openid4vciClient({ callbacks });
  const issuerMetadata = await client.resolveIssuerMetadata(config.issuer);
  const configuration = issuerMetadata.credentialIssuer.credential_configurations_supported[config.configuration_id];
  const credentialOffer = {
    credential_issuer: config.issuer,
    credential_configuration_ids: [config.configuration_id],
    grants: { authorization_code: {} },
  };
  const dpopJwk = await newKey();
  const dpopSigner = { method: 'jwk', alg: 'ES256', publicJwk: dpopJwk };
  const started = await client.createAuthorizationRequestUrlFromOffer({
    clientId: config.client_id,
    credentialOffer,
    issuerMetadata,
    redirectUri: config.redirect_uri,
    scope: configuration.scope,
    dpop: { signer: dpopSigner },
  });
  say({ authorize: started.authorizationRequestUrl });

  const lines = createInterface({ input: process.stdin });
  const { redirect } = JSON.parse((await lines[Symbol.asyncIterator]().next()).value);
  const response = client.parseAndVerifyAuthorizationResponseRedirectUrl({
    url: redirect,
    authorizationServerMetadata: issuerMetadata.authorizationServers[0],
  });
  if (response.error) throw new Error(`authorization error ${response.error}`);
  const token = await client.retrieveAuthorizationCodeAccessTokenFromOffer({
    issuerMetadata,
    credentialOffer,
    authorizationCode: response.code,
    pkceCodeVerifier: started.pkce.codeVerifier,
    redirectUri: config.redirect_uri,
    dpop: started.dpop ?? { signer: dpopSigner },
  });
  let dpop = { signer: dpopSigner, nonce: token.dpop?.nonce };
  const proofs = [];
  for (let i = 0; i < config.batch; i += 1) {
    const { c_nonce } = await client.requestNonce({ issuerMetadata });
    const holder = await newKey();
    const { jwt } = await client.createCredentialRequestJwtProof({
      issuerMetadata,
      credentialConfigurationId: config.configuration_id,
      signer: { method: 'jwk', alg: 'ES256', publicJwk: holder },
      nonce: c_nonce,
      clientId: config.client_id,
    });
    proofs.push(jwt);
  }
  const credentials = await client.retrieveCredentials({
    issuerMetadata,
    accessToken: token.accessTokenResponse.access_token,
    credentialConfigurationId: config.configuration_id,
    proofs: { jwt: proofs },
    dpop,
  });
  dpop = { signer: dpopSigner, nonce: credentials.dpop?.nonce ?? dpop.nonce };
  const body = credentials.credentialResponse;
  await client.sendNotification({
    issuerMetadata,
    accessToken: token.accessTokenResponse.access_token,
    notification: { notificationId: body.notification_id, event: 'credential_accepted' },
    dpop,
  });
  say({
    credentials: body.credentials.map((c) => c.credential),
    token: { token_type: token.accessTokenResponse.token_type, scope: token.accessTokenResponse.scope },
  });
}

main().then(
  () => process.exit(0),
  (error) => {
    say({ error: `${error.name}: ${error.message}`, detail: JSON.stringify(error.errorResponse ?? null), stack: error.stack });
    process.exit(1);
  },
);
