// bench/peers/mailauth_verify.mjs [--now UNIXTIME] KEYS.TXT < PATHS
//
// mailauth (npm, installed by bench/peers/run.sh under build/peers/node)
// as a peer of authsweep, for bench/peers/run.sh.  Verifies every
// DKIM-Signature of each message file named on standard input (one path
// per line), one message at a time.  Keys come from KEYS.TXT
// (bench/peers/zonekeys.py) through dkimVerify's `resolver` option, so no
// network is used; --now is passed as its `curTime` option.  NODE_PATH
// must name the node_modules directory that holds mailauth.
//
// Output: one line per message, TAB-separated, as every peer harness here
// prints it (bench/README.md, "Peers, side by side"):
//
//     PATH  VERDICT,D,S,DETAIL  ...     one field per signature, top first
//     PATH  !error,,,DETAIL             mailauth threw on the message
//
// mailauth runs with its defaults: RSA keys under 1024 bits give "policy",
// rsa-sha1 is accepted, a body hash mismatch is "neutral" (mapped to fail,
// bh here), x= is checked only after the signature verified.  A signature
// with an algorithm or canonicalization it does not know gets no result.
// mailauth 4.x prints a debugging line ("TOTAL ... EXPECTING ...") with
// console.log when l= differs from the body length; console.log is sent to
// standard error so that such lines cannot mix with the results.
import { createRequire } from 'node:module';
import { readFileSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import path from 'node:path';

console.log = (...args) => console.error(...args);

// Resolve from the directory that holds NODE_PATH (a node_modules).
const require = createRequire(path.resolve(process.env.NODE_PATH || 'node_modules', '..', 'x.js'));
const { dkimVerify } = require('mailauth/lib/dkim/verify');

let argv = process.argv.slice(2);
let curTime;
if (argv[0] === '--now') {
    curTime = new Date(Number(argv[1]) * 1000);
    argv = argv.slice(2);
}
if (argv.length !== 1) {
    console.error('usage: mailauth_verify.mjs [--now UNIXTIME] KEYS.TXT < PATHS');
    process.exit(2);
}

const keys = new Map();
for (const line of readFileSync(argv[0], 'latin1').split('\n')) {
    const sp = line.indexOf(' ');
    if (sp > 0) {
        keys.set(line.slice(0, sp).toLowerCase(), line.slice(sp + 1));
    }
}

// dns.resolve's shape: a list of records, each a list of strings.
const resolver = async (name, type) => {
    const v = type === 'TXT' ? keys.get(name.toLowerCase().replace(/\.$/, '')) : undefined;
    if (v === undefined) {
        const err = new Error(`${name} not found`);
        err.code = 'ENOTFOUND';
        throw err;
    }
    return [[v]];
};

const clean = s => String(s ?? '').replace(/[\t\r\n]+/g, ' ').slice(0, 200);

function classify(st) {
    const comment = st.comment || '';
    switch (st.result) {
        case 'pass':
            return ['pass', ''];
        case 'fail':
            return ['fail', 'sig'];
        case 'policy':
            return ['policy', 'key-small'];
        case 'temperror':
            return ['temperror', comment];
        case 'neutral':
            if (comment === 'body hash did not verify') return ['fail', 'bh'];
            if (comment === 'no key') return ['nokey', ''];
            if (comment === 'invalid public key') return ['revoked', ''];
            if (comment === 'expired') return ['expired', ''];
            if (comment === 'unknown key type') return ['unsupported', comment];
            return ['invalid', `neutral: ${comment}`];
        default:
            return ['invalid', `${st.result}: ${comment}`];
    }
}

const out = [];
let pending = 0;
const flush = () => {
    writeSync(1, out.join(''));
    out.length = 0;
    pending = 0;
};

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const p of rl) {
    if (!p) continue;
    const fields = [clean(p)];
    try {
        const message = readFileSync(p);
        const res = await dkimVerify(message, { resolver, curTime });
        for (const r of res.results) {
            // A message without signatures gets one result with no domain.
            if (!r.signingDomain && r.status?.result === 'none') continue;
            const [verdict, detail] = classify(r.status || {});
            fields.push([verdict, clean(r.signingDomain || '-'), clean(r.selector || '-'), clean(detail)].join(','));
        }
    } catch (err) {
        fields.push(`!error,,,${clean(err.message)}`);
    }
    out.push(fields.join('\t') + '\n');
    if (++pending >= 256) flush();
}
flush();
