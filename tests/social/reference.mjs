// The platforms' own reference code as a test oracle: one JSON request per line on stdin,
// one JSON answer per line on stdout.  Run once per test session (tests/social/reference.py).
//   {"op": "x", "text": "..."}        twitter-text 3.1 parseTweet (config v3) and its entities
//   {"op": "bluesky", "text": "..."}  @atproto/api RichText: graphemeLength, detectFacets
//   {"op": "graphemes", "text": "..."} Intl.Segmenter grapheme clusters
//   {"op": "mastodon", "text": "..."}  Mastodon's StatusLengthValidator (mastodon.cjs)
//   {"op": "all", "text": "..."}       all of the above, keyed by op
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import readline from 'node:readline';

const root = process.argv[2];
const require = createRequire(path.join(root, 'package.json'));
const twitter = require('twitter-text');
const { RichText } = await import(pathToFileURL(path.join(root, 'node_modules/@atproto/api/dist/index.js')).href);
const v3 = twitter.configs.version3;
const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
// Loaded last: it makes a second copy of twitter-text's extractor with Mastodon's pattern.
const mastodonRule = require(path.join(path.dirname(new URL(import.meta.url).pathname), 'mastodon.cjs'));
const mastodonParts = mastodonRule.load(root);

function x(text) {
  const parsed = twitter.parseTweet(text, v3);
  return { weightedLength: parsed.weightedLength, valid: parsed.valid,
           urls: twitter.extractUrls(text.normalize()),
           hashtags: twitter.extractHashtags(text) };
}

function bluesky(text) {
  const rt = new RichText({ text });
  rt.detectFacetsWithoutResolution();
  return { graphemes: rt.graphemeLength, bytes: rt.length, facets: rt.facets || [] };
}

const ops = {
  x, bluesky,
  mastodon: (text) => mastodonRule.mastodon(mastodonParts, segmenter, text),
  graphemes: (text) => ({ count: [...segmenter.segment(text)].length,
                          clusters: [...segmenter.segment(text)].map((s) => s.segment) }),
};
// Every reference's answer for one string in one round trip.
const each = Object.entries(ops);
ops.all = (text) => Object.fromEntries(each.map(([op, fn]) => [op, fn(text)]));

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  const request = JSON.parse(line);
  let answer;
  try {
    answer = ops[request.op](request.text);
  } catch (error) {
    answer = { error: String(error) };
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
}
