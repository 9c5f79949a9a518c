// Descriptions and READMEs are Markdown written by anyone who may publish, shown
// to everyone: rendered with marked, then sanitised with sanitize-html to an
// allow-list (no script, no styles, no event handlers, links limited to http(s)
// and mailto, and opened without handing over the opener).
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

const marked = new Marked({ gfm: true, breaks: false });

const ALLOWED: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'del', 'ins', 'sup', 'sub', 'details', 'summary'],
  allowedAttributes: {
    a: ['href', 'title'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    th: ['align'],
    td: ['align'],
    code: ['class'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  transformTags: {
    a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow noopener noreferrer' }),
    // Headings inside a document sit below the page's own title.
    h1: 'h3', h2: 'h4', h3: 'h5', h4: 'h6', h5: 'h6',
  },
};

export function renderMarkdown(source: string): string {
  return sanitizeHtml(marked.parse(source, { async: false }), ALLOWED);
}
