import { INSTITUTIONS } from '../institutions/institutions.catalog';
import { LinkPageController } from './link-page.controller';

describe(LinkPageController.name, () => {
  const sut = new LinkPageController();

  it('serves a page whose only script is a file, so that it runs under a strict CSP', () => {
    const html = sut.page();
    expect(html).toContain('<script src="/link/link-page.js"></script>');
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toMatch(/\son[a-z]+=/);
  });

  it('posts the outcome to the opener at the origin it was given, never to any origin', () => {
    const script = sut.script();
    expect(script).toContain('window.opener.postMessage(message, origin)');
    expect(script).not.toContain("'*'");
    expect(script).toContain("fetch('/sandbox-control/link/complete'");
  });

  it('lists the whole catalogue by id and name for the search', () => {
    const { institutions } = sut.institutions();
    expect(institutions).toHaveLength(INSTITUTIONS.length);
    expect(institutions).toContainEqual({ institution_id: 'ins_109508', name: 'First Platypus Bank' });
  });
});
