// Text meant to break a page that treats words as markup: script and event-handler injection, links, bidi overrides,
// zero-width and combining characters, very long runs. Every entry must come back on screen exactly as written.
// Each payload that could run code would set window.__pwned or open a dialog; tests check that neither happened.
// Text the text rule refuses (rules/text.ts) is listed apart: it never reaches a screen, it is refused in words.

const hook = 'window.__pwned=(window.__pwned||0)+1';

export const hostileBodies: readonly string[] = [
  `<script>${hook}</script>`,
  `<img src=x onerror="${hook}">`,
  `<svg onload="${hook}"></svg>`,
  `<svg><script>${hook}</script></svg>`,
  `<iframe src="javascript:${hook}"></iframe>`,
  `<a href="javascript:${hook}">click me</a>`,
  `<body onload="${hook}">`,
  `<div style="background:url(javascript:${hook})">styled</div>`,
  `"><script>${hook}</script>`,
  `'><img src=x onerror=${hook}>`,
  `</textarea><script>${hook}</script>`,
  `</p><details open ontoggle="${hook}">`,
  `<math><mtext><table><mglyph><style><img src=x onerror="${hook}">`,
  `<input autofocus onfocus="${hook}">`,
  `<video><source onerror="${hook}"></video>`,
  `<object data="javascript:${hook}"></object>`,
  `<meta http-equiv="refresh" content="0;url=javascript:${hook}">`,
  `<base href="javascript:${hook}//">`,
  `<form action="javascript:${hook}"><button>go</button></form>`,
  `<marquee onstart="${hook}">moving</marquee>`,
  `{{constructor.constructor('${hook}')()}}`,
  `\${${hook}}`,
  `javascript:${hook}`,
  'https://evil.example/phish?token=1 and www.example.com and mailto:a@example.com',
  '[click here](javascript:alert(1)) **bold** _it_ `code`',
  '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#60;b&#62; &#x3C;i&#x3E;',
  '<!-- a comment --><![CDATA[ data ]]>',
  '\u202Egnp.exe\u202C (right-to-left override)',
  'abc\u202Ddef\u202C left-to-right override',
  '\u2067isolated rtl\u2069 and \u2066isolated ltr\u2069 never closed \u2067',
  'שלום עולם مرحبا بالعالم mixed with English',
  'zero\u200Bwidth\u200Cjoiner\u200Dnon\uFEFFbreaking',
  'Z̷̡̛̖͎̈́a̶̧̛͍͑l̸̢̛̙̈g̵̨̛̘o̷̢̧̊ text with combining marks',
  'Emoji 👨‍👩‍👧‍👦 🏳️‍🌈 👋🏽 flags 🇺🇸🇲🇽 and CJK 漢字かなカナ 한국어',
  'tab\tand\ttabs\t\tbetween words',
  'line one\nline two\n\n\nafter three blank lines   with   spaces',
  ' leading and trailing spaces ',
  'A'.repeat(20_000),
  `${'😀'.repeat(5_000)}`,
  `${'<b>'.repeat(2_000)}unclosed`,
  '%s %d %n %x %@ {0} {{name}} $t(mail.title) $(whoami) `id`',
  "'; DROP TABLE messages; --",
  '" OR 1=1 -- NEAR(a b) body:x *',
  '../../../../etc/passwd file:///etc/shadow app://evil',
  `data:text/html,<script>${hook}</script>`,
  '\uFFFD\uFFFF replacement and noncharacter',
  'عربي‎ with LRM‏ and RLM marks',
  '<style>body{display:none}</style>hidden?',
  `<template><script>${hook}</script></template><slot></slot>`,
  `<noscript><p title="</noscript><img src=x onerror=${hook}>">`,
  `<x onclick="${hook}" style="position:fixed;inset:0">cover the screen</x>`,
];

export const hostileContactNames: readonly string[] = [`<img src=x onerror="${hook}">`, `<script>${hook}</script>`, `${'W'.repeat(120)}`];

/** Names that would pass for another ("Dad" and zero-width spaces, a reversed name): refused wherever names are made. */
export const impersonatingNames: readonly string[] = [
  '\u202EecnoD lareneG\u202C',
  'Zero\u200Bwidth\u200DName',
  'Dad\u200B\u200B',
  'Dad\u2066',
  'D\u00ADad',
  'Da\uFEFFd',
];

/**
 * Text no field accepts (the text rule): NUL, ESC sequences, other C0 and C1 controls, DEL, and lone surrogates —
 * half of a character, which cannot be stored as UTF-8 at all.
 */
export const refusedTexts: readonly string[] = [
  'a NUL \u0000 in the middle',
  '\u0000',
  'an escape \u001B[8mthat hides text\u001B[0m',
  'a bell\u0007',
  'tab\tand\u000Bvertical\u000Ctab and form feed',
  'a C1 CSI \u009B2J',
  'DEL \u007F',
  'a lone high surrogate \uD800 here',
  'a lone low surrogate \uDC00',
  'reversed pair \uDE00\uD83D',
];
