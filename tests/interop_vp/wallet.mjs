// An independent wallet for the desk's OpenID4VP requests (tests/interop_vp/test_interop_vp.py).
//
// Built on @openid4vc/openid4vp (parse and resolve the request as a wallet does: fetch the
// request object, check typ, signature, x509_hash client id), dcql (DcqlQuery.parse/validate,
// and DcqlQuery.query to match a credential) and jose (signatures, the KB-JWT, the response JWE).
// Nothing of the project's Python code is used. One command per run: `node wallet.mjs OP` with a
// JSON input on stdin, a JSON result on stdout; a refusal is {"error": …} with exit code 1.
// An input's `now` (Unix seconds) sets the wallet's clock: the desk under test runs at the time
// the committed samples were made, and the wallet (its checks of `exp`, its KB-JWT `iat`) with it.
//
//   check-query  {query}                         → {query}: DcqlQuery.parse + validate
//   resolve      {link, trustedRootPem}          → {request, client, version, query}
//   answer       {link, trustedRootPem, credential, holderJwk, disclose?, bend?}
//                                                → {status, body, request}: the response posted
import { X509Certificate, createHash, webcrypto } from "node:crypto";
import { setGlobalConfig } from "@openid4vc/oauth2";
import {
  createOpenid4vpAuthorizationResponse,
  parseOpenid4vpAuthorizationRequest,
  resolveOpenid4vpAuthorizationRequest,
  submitOpenid4vpAuthorizationResponse,
} from "@openid4vc/openid4vp";
import { DcqlQuery } from "dcql";
import * as jose from "jose";

// The desk is served on http://127.0.0.1 in the tests: plain HTTP on loopback only.
setGlobalConfig({ allowInsecureUrls: true });

const b64url = (bytes) => Buffer.from(bytes).toString("base64url");
const sha256 = (text) => createHash("sha256").update(text).digest();

async function readInput() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

// -- the callbacks a wallet gives the library ----------------------------------------------
function callbacks(trustedRootPem) {
  const anchor = new X509Certificate(trustedRootPem);
  return {
    fetch: globalThis.fetch,
    hash: (data, alg) => {
      if (alg !== "sha-256") throw new Error(`unexpected hash ${alg}`);
      return new Uint8Array(createHash("sha256").update(data).digest());
    },
    getX509CertificateMetadata: (certificate) => {
      const cert = new X509Certificate(Buffer.from(certificate, "base64"));
      const names = (cert.subjectAltName || "").split(", ");
      return {
        sanDnsNames: names.filter((n) => n.startsWith("DNS:")).map((n) => n.slice(4)),
        sanUriNames: names.filter((n) => n.startsWith("URI:")).map((n) => n.slice(4)),
      };
    },
    verifyJwt: async (signer, jwt) => {
      if (signer.method !== "x5c") return { verified: false };
      const leaf = new X509Certificate(Buffer.from(signer.x5c[0], "base64"));
      // the wallet's trust decision: the leaf is issued by the one root this wallet trusts
      if (!leaf.checkIssued(anchor) || !leaf.verify(anchor.publicKey)) return { verified: false };
      const now = Date.now();
      if (now < Date.parse(leaf.validFrom) || now > Date.parse(leaf.validTo)) return { verified: false };
      const key = await jose.importX509(leaf.toString(), signer.alg);
      try {
        await jose.compactVerify(jwt.compact, key);
      } catch {
        return { verified: false };
      }
      return { verified: true, signerJwk: await jose.exportJWK(key) };
    },
    encryptJwe: async (encryptor, data) => {
      const key = await jose.importJWK(encryptor.publicJwk, encryptor.alg);
      const header = { alg: encryptor.alg, enc: encryptor.enc, kid: encryptor.publicJwk.kid };
      if (encryptor.apu) header.apu = encryptor.apu;
      if (encryptor.apv) header.apv = encryptor.apv;
      const jwe = await new jose.CompactEncrypt(new TextEncoder().encode(data))
        .setProtectedHeader(header)
        .encrypt(key);
      return { jwe, encryptionJwk: encryptor.publicJwk };
    },
  };
}

async function resolve(link, trustedRootPem) {
  const parsed = parseOpenid4vpAuthorizationRequest({ authorizationRequest: link });
  const resolved = await resolveOpenid4vpAuthorizationRequest({
    authorizationRequestPayload: parsed.params,
    callbacks: callbacks(trustedRootPem),
  });
  const query = DcqlQuery.parse(resolved.dcql.query);
  DcqlQuery.validate(query);
  return { parsed, resolved, query };
}

// -- SD-JWT: choose the disclosures the query names, sign the KB-JWT --------------------------
function decode(part) {
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
}

function claimsOf(sdJwt) {
  // the fully disclosed claims (what the wallet holds), and each disclosure's claim path
  const [jwt, ...rest] = sdJwt.split("~");
  const byDigest = new Map(rest.filter(Boolean).map((d) => [b64url(sha256(d)), d]));
  const paths = new Map();
  const expand = (node, path) => {
    if (Array.isArray(node)) {
      return node.flatMap((item, i) => {
        if (item && typeof item === "object" && "..." in item && byDigest.has(item["..."])) {
          const encoded = byDigest.get(item["..."]);
          paths.set(encoded, [...path, i]);
          return [expand(decode(encoded)[1], [...path, i])];
        }
        return [expand(item, [...path, i])];
      });
    }
    if (!node || typeof node !== "object") return node;
    const out = {};
    for (const digest of node._sd || []) {
      const encoded = byDigest.get(digest);
      if (!encoded) continue;
      const [, name, value] = decode(encoded);
      paths.set(encoded, [...path, name]);
      out[name] = expand(value, [...path, name]);
    }
    for (const [name, value] of Object.entries(node)) {
      if (name !== "_sd" && name !== "_sd_alg") out[name] = expand(value, [...path, name]);
    }
    return out;
  };
  return { jwt, claims: expand(decode(jwt.split(".")[1]), []), paths };
}

const isPrefix = (short, long) => short.length <= long.length && short.every((s, i) => s === long[i]);

async function presentation(credential, holderJwk, wanted, { nonce, aud }) {
  const { jwt, paths } = claimsOf(credential);
  const chosen = [...paths].filter(([, path]) => wanted.some((w) => isPrefix(path, w) || isPrefix(w, path)));
  const sdJwt = `${jwt}~${chosen.map(([d]) => `${d}~`).join("")}`;
  const key = await jose.importJWK(holderJwk, "ES256");
  const kb = await new jose.SignJWT({ nonce, aud, iat: Math.floor(Date.now() / 1000), sd_hash: b64url(sha256(sdJwt)) })
    .setProtectedHeader({ alg: "ES256", typ: "kb+jwt" })
    .sign(key);
  return sdJwt + kb;
}

async function answer(input) {
  const { resolved, query } = await resolve(input.link, input.trustedRootPem);
  const request = resolved.authorizationRequestPayload;
  const { claims } = claimsOf(input.credential);
  // DCQL on the wallet's side: does this credential answer the query, and with which claims?
  const matched = DcqlQuery.query(query, [
    { credential_format: "dc+sd-jwt", vct: claims.vct, claims, cryptographic_holder_binding: true },
  ]);
  if (!matched.can_be_satisfied) throw new Error("the credential does not answer the query");
  const [queryId] = Object.keys(matched.credential_matches);
  const credentialQuery = query.credentials.find((c) => c.id === queryId);
  const wanted = input.disclose || (credentialQuery.claims || []).map((c) => c.path);
  const bend = input.bend || {};
  const vp = await presentation(input.credential, input.holderJwk, wanted, {
    nonce: bend.nonce || request.nonce,
    aud: bend.aud || resolved.client.effective,
  });
  const response = await createOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: request,
    authorizationResponsePayload: { vp_token: { [queryId]: [vp] } },
    jarm: request.response_mode === "direct_post.jwt" ? {
      encryption: { nonce: b64url(webcrypto.getRandomValues(new Uint8Array(16))) },
      serverMetadata: {
        authorization_signing_alg_values_supported: [],
        authorization_encryption_alg_values_supported: ["ECDH-ES"],
        authorization_encryption_enc_values_supported: ["A128GCM", "A256GCM"],
      },
    } : undefined,
    callbacks: callbacks(input.trustedRootPem),
  });
  const submitted = await submitOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: request,
    authorizationResponsePayload: response.authorizationResponsePayload,
    jarm: response.jarm ? { responseJwt: response.jarm.responseJwt } : undefined,
    callbacks: { fetch: globalThis.fetch },
  });
  return {
    status: submitted.response.status,
    body: await submitted.response.text(),
    queryId,
    encrypted: Boolean(response.jarm),
    jweHeader: response.jarm ? jose.decodeProtectedHeader(response.jarm.responseJwt) : null,
  };
}

const operations = {
  "check-query": async (input) => {
    const query = DcqlQuery.parse(input.query);
    DcqlQuery.validate(query);
    return { query };
  },
  resolve: async (input) => {
    const { parsed, resolved, query } = await resolve(input.link, input.trustedRootPem);
    return {
      provided: parsed.type,
      request: resolved.authorizationRequestPayload,
      client: { prefix: resolved.client.prefix, identifier: resolved.client.identifier, effective: resolved.client.effective },
      signer: resolved.jar ? { method: resolved.jar.signer.method, alg: resolved.jar.signer.alg } : null,
      version: resolved.version,
      query,
    };
  },
  answer,
};

function setClock(now) {
  const RealDate = Date;
  const offset = now * 1000 - RealDate.now();
  globalThis.Date = class extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...args);
    }
    static now() {
      return RealDate.now() + offset;
    }
  };
}

const op = operations[process.argv[2]];
if (!op) {
  process.stderr.write(`unknown operation ${process.argv[2]}\n`);
  process.exit(2);
}
try {
  const input = await readInput();
  if (typeof input.now === "number") setClock(input.now);
  process.stdout.write(JSON.stringify(await op(input)));
} catch (error) {
  process.stdout.write(JSON.stringify({ error: String(error && error.message ? error.message : error), name: error && error.name, details: error && error.errorResponse }));
  process.exit(1);
}
