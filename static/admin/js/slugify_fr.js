/* Replaces Django's URLify with the server's slugify_fr (config/slugs.py):
   ligatures become two letters, accents are dropped, every other run of
   non-alphanumerics becomes one hyphen. */
'use strict';
{
    const LIGATURES = {'œ': 'oe', 'Œ': 'OE', 'æ': 'ae', 'Æ': 'AE', 'ß': 'ss'};

    function slugifyFr(s, numChars) {
        s = s.replace(/[œŒæÆß]/g, (m) => LIGATURES[m]);
        s = s.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '');
        s = s.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
        return s.substring(0, numChars).replace(/-+$/g, '');
    }
    window.URLify = slugifyFr;
}
