'use strict';
// Django's autocomplete fields (select2) named for screen readers: the box, its search fields and its
// list of results take the field's label, or the select's aria-label in a table ("Personne de
// Catherine Bertram"). Select2 itself announces the highlighted result (aria-activedescendant) and
// its messages ("Recherche en cours…", "Aucun résultat trouvé", role alert); the number of results
// is said here, politely, once the list has settled.
{
    const $ = django.jQuery;
    const ngettext = window.ngettext || ((singular, plural, n) => (n === 1 ? singular : plural));
    const interpolate = window.interpolate || ((format, values) => format.replace('%s', values[0]));

    const announcer = () => {
        let region = document.getElementById('autocomplete-results-count');
        if (!region) {
            region = document.createElement('div');
            region.id = 'autocomplete-results-count';
            region.className = 'visually-hidden';
            region.setAttribute('role', 'status');
            document.body.append(region);
        }
        return region;
    };

    let pending;
    const countResults = (list) => {
        window.clearTimeout(pending);
        pending = window.setTimeout(() => {
            if (list.querySelector('.loading-results')) return;
            const count = list.querySelectorAll('.select2-results__option[role=option]:not(.loading-results)').length;
            if (!count) return;  // select2's own alert says "Aucun résultat trouvé"
            announcer().textContent = interpolate(ngettext('%s result', '%s results', count), [count]);
        }, 250);
    };

    const nameOf = (select) => {
        const label = select.getAttribute('aria-label') || (select.labels[0] ? select.labels[0].textContent : '');
        return label.replace(/\s*:\s*$/, '').trim();
    };

    const name = (select) => {
        const instance = $(select).data('select2');
        const text = nameOf(select);
        if (!instance || !text || !select.id) return;
        const container = instance.$container[0];
        const nameId = `${select.id}-name`;
        let holder = document.getElementById(nameId);
        if (!holder) {
            holder = document.createElement('span');
            holder.id = nameId;
            holder.hidden = true;
            container.append(holder);
        }
        holder.textContent = text;
        const box = container.querySelector('.select2-selection');
        const shown = container.querySelector('.select2-selection__rendered[id]');
        box.setAttribute('aria-labelledby', shown ? `${nameId} ${shown.id}` : nameId);
        if (shown) shown.setAttribute('aria-label', text);  // a read-only textbox: the choice is its value
        container.querySelectorAll('.select2-search__field').forEach((field) => field.setAttribute('aria-label', text));
        // The "×" that empties a multiple select sits in its list of choices; keys do it with Backspace.
        container.querySelectorAll('.select2-selection__clear').forEach((clear) => clear.setAttribute('aria-hidden', 'true'));
        instance.$dropdown.find('.select2-search__field').attr('aria-label', text);
        instance.$dropdown.find('.select2-results__options').attr('aria-label', text);
        if (!select.dataset.named) {
            select.dataset.named = 'yes';
            const list = instance.$dropdown.find('.select2-results__options')[0];
            if (list) new MutationObserver(() => countResults(list)).observe(list, {childList: true});
            // A multiple select draws its search field anew after each choice.
            $(select).on('change', () => name(select));
        }
    };

    const nameAll = (root) => {
        $(root).find('.admin-autocomplete.select2-hidden-accessible').each((i, select) => name(select));
    };

    $(() => nameAll(document));
    document.addEventListener('formset:added', (event) => nameAll(event.target));
}
