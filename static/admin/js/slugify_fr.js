/* Replaces Django's URLify with the server's slugify_fr (core/text.py): letters that do not
   decompose become their spelling (the same table as core.text.LIGATURES, compared by
   tests/core/test_text.py), accents are dropped, every other run of non-alphanumerics
   becomes one hyphen. */
'use strict';
{
    const LIGATURES = {
        "œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ẞ": "ss", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l",
        "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th", "ı": "i", "ħ": "h", "Ħ": "h", "ŧ": "t", "Ŧ": "t"
    };
    const SPELLED = new RegExp('[' + Object.keys(LIGATURES).join('') + ']', 'g');

    function slugifyFr(s, numChars) {
        s = s.replace(SPELLED, (m) => LIGATURES[m]);
        s = s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
        s = s.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
        return s.substring(0, numChars).replace(/-+$/g, '');
    }
    window.URLify = slugifyFr;
}
