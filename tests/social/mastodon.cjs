// Mastodon's server-side length rule, run on npm twitter-text 3.1.0's own extractor.
//
// Mastodon (app/validators/status_length_validator.rb) counts
//   spoiler_text + countable_text(text)   in grapheme clusters, where countable_text
// replaces every URL found by twitter-text's extract_urls_with_indices(text,
// extract_url_without_protocol: false) with 23 characters and every mention
// @user@domain (Account::MENTION_RE; app/lib/extractor.rb, which skips domains over 253
// characters) with @user, after
// remove_overlapping_entities.  Mastodon swaps twitter-text's URL pattern for its own
// (config/initializers/twitter_regex.rb): those regexes are transcribed below and
// substituted into a second copy of twitter-text's extractUrlsWithIndices, so the
// extraction steps (t.co, IDNA length check, indices) stay twitter-text's.
// Ruby regexes work on code points: the 'u' flag gives JavaScript the same.
'use strict';
const path = require('node:path');

function load(root) {
  const dist = path.join(root, 'node_modules/twitter-text/dist');
  const twitter = require(path.join(root, 'node_modules/twitter-text'));
  const rx = (name) => require(path.join(dist, 'regexp', name + '.js'));
  const src = (r) => unicodeSafe(typeof r === 'string' ? r : r.source);
  const WS = '\\p{White_Space}';
  // Ruby's \p{Cyrillic} (twitter-text's JavaScript spells it \u0400-\u04FF).
  const cyr = (s) => s.split('\\u0400-\\u04FF').join('\\p{Script=Cyrillic}');
  const UCHARS = '\\u{A0}-\\u{D7FF}\\u{F900}-\\u{FDCF}\\u{FDF0}-\\u{FFEF}\\u{10000}-\\u{1FFFD}' +
    '\\u{20000}-\\u{2FFFD}\\u{30000}-\\u{3FFFD}\\u{40000}-\\u{4FFFD}\\u{50000}-\\u{5FFFD}' +
    '\\u{60000}-\\u{6FFFD}\\u{70000}-\\u{7FFFD}\\u{80000}-\\u{8FFFD}\\u{90000}-\\u{9FFFD}' +
    '\\u{A0000}-\\u{AFFFD}\\u{B0000}-\\u{BFFFD}\\u{C0000}-\\u{CFFFD}\\u{D0000}-\\u{DFFFD}' +
    '\\u{E1000}-\\u{EFFFD}\\u{E000}-\\u{F8FF}\\u{F0000}-\\u{FFFFD}\\u{100000}-\\u{10FFFD}';
  const general = `[^${WS}<>()?]`;
  // Defined before Mastodon redefines the balanced parens: it keeps twitter-text's.
  const ending = `(?:[^${WS}()?!*"'「」<>;:=,.$%\\[\\]~&|@]|(?:${cyr(src(rx('validUrlBalancedParens')))}))`;
  const parens = `\\((?:${general}+|(?:${general}*\\(${general}+\\)${general}*))\\)`;
  const urlPath = `(?:(?:${general}*(?:${parens}${general}*)*${ending})|(?:${general}+\\/))`;
  const query = `[a-z0-9!?*'();:&=+$/%#\\[\\]\\-_.,~|@\\^${UCHARS}]`;
  const queryEnd = `[a-z0-9_&=#/\\-${UCHARS}]`;
  const validUrl = new RegExp(
    `((${src(rx('validUrlPrecedingChars'))})(((?:https?|dat|dweb|ipfs|ipns|ssb|gopher|gemini):\\/\\/)?` +
    `(${src(rx('validDomain'))})(?::(${src(rx('validPortNumber'))}))?(\\/${urlPath}*)?` +
    `(\\?${query}*${queryEnd})?))`, 'giu');

  // A second copy of the extractor whose URL pattern is Mastodon's.
  for (const key of Object.keys(require.cache)) {
    if (key.startsWith(dist)) delete require.cache[key];
  }
  const extractUrlPath = require.resolve(path.join(dist, 'regexp/extractUrl.js'));
  require(extractUrlPath);
  require.cache[extractUrlPath].exports = validUrl;
  const extractUrls = require(path.join(dist, 'extractUrlsWithIndices.js'));
  const endMention = new RegExp(src(rx('endMentionMatch')), 'iu');
  const word = '\\p{L}\\p{M}\\p{Nd}\\p{Pc}';
  const mention = new RegExp(
    `(?<![=/${word}])@(([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@[${word}]+(?:[.-]+[${word}]+)*)?)`,
    'giu');  // only the user name is case-insensitive in Ruby; the rest is by property
  return { twitter, extractUrls, endMention, mention };
}

// JavaScript's 'u' flag refuses identity escapes such as \! and \' (Ruby allows them).
function unicodeSafe(source) {
  return source.replace(/\\(.)/gs, (all, c) => (/[A-Za-z0-9^$\\.*+?()[\]{}|/-]/.test(c) ? all : c));
}

function mentions(m, text) {
  const found = [];
  for (const match of text.matchAll(m.mention)) {
    const after = text.slice(match.index + match[0].length);
    if (m.endMention.test(after)) continue;
    const domain = match[1].split('@')[1];
    if (domain !== undefined && [...domain].length > 253) continue;  // MAX_DOMAIN_LENGTH
    found.push({ screenName: match[1], indices: [match.index, match.index + match[0].length] });
  }
  return found;
}

function countableText(m, text) {
  // Rails' String#blank?: nothing but white space counts as nothing.
  if (/^[\p{White_Space}]*$/u.test(text)) return '';
  const urls = m.extractUrls(text, { extractUrlsWithoutProtocol: false });
  const entities = [...urls, ...mentions(m, text)];
  m.twitter.removeOverlappingEntities(entities);
  let result = '';
  let last = 0;
  for (const entity of entities) {
    result += text.slice(last, entity.indices[0]);
    result += entity.url !== undefined ? 'x'.repeat(23) : '@' + entity.screenName.split('@')[0];
    last = entity.indices[1];
  }
  return result + text.slice(last);
}

function mastodon(m, segmenter, text, spoiler = '') {
  const countable = countableText(m, text);
  return {
    length: [...segmenter.segment(spoiler + countable)].length,
    countable,
    urls: m.extractUrls(text, { extractUrlsWithoutProtocol: false }).map((u) => u.url),
  };
}

module.exports = { load, mastodon };
