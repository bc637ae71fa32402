// An OpenID Connect provider for the staff area's browser tests, configured by the test:
//   node server.mjs <config.json>   with {"port", "clients": [...], "accounts": {"id": {claims}}}
// Accounts log in on the provider's development form (any password); their claims (email, groups) come
// from the configuration. Prints "ready <issuer>" once listening. Never reaches the network.
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${config.port}`;

const provider = new Provider(issuer, {
  clients: config.clients,
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
  conformIdTokenClaims: false, // the claims in the ID token, where the app reads them
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['cle-de-test-du-fournisseur'] },
  async findAccount(ctx, id) {
    const claims = config.accounts[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
});
provider.listen(config.port, '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});
