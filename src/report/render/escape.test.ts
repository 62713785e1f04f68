import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeMarkdown, escapeXml, inlineSafe, jsonForScript, markdownCode } from './escape.js';

describe('escaping', () => {
  it('HTML: markup characters become entities', () => {
    expect(escapeHtml(`<script>alert("x" & 'y')</script>`)).toBe(
      '&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;',
    );
  });

  it('XML: characters XML 1.0 forbids are replaced, line breaks kept in attributes', () => {
    expect(escapeXml('a\u0000b\u001Fc<d>\n')).toBe('a\uFFFDb\uFFFDc&lt;d&gt;&#10;');
    expect(escapeXml('\uD800x')).toBe('\uFFFDx');
    expect(escapeXml('😀')).toBe('😀');
  });

  it('JSON in a script block cannot close it', () => {
    const text = jsonForScript({ name: '</script><script>alert(1)</script>', ls: '\u2028' });
    expect(text).not.toContain('</');
    expect(text).not.toContain('\u2028');
    expect(JSON.parse(text)).toEqual({ name: '</script><script>alert(1)</script>', ls: '\u2028' });
  });

  it('inlined scripts and styles cannot close their element', () => {
    expect(inlineSafe('var s = "</script>";', 'script')).toBe('var s = "<\\/script>";');
    expect(inlineSafe('a{} </STYLE>', 'style')).toBe('a{} <\\/STYLE>');
  });

  it('Markdown: text shows as text, code spans get a long enough fence', () => {
    expect(escapeMarkdown('<b>*x*</b> | [a](b)\nnext')).toBe(
      '&lt;b&gt;\\*x\\*&lt;/b&gt; \\| \\[a\\](b) next',
    );
    expect(markdownCode('a`b')).toBe('``a`b``');
    expect(markdownCode('`x')).toBe('`` `x ``');
    expect(markdownCode('a|b')).toBe('`a|b`');
    expect(markdownCode('a|b', true)).toBe('`a\\|b`');
  });
});
