// The position picker of a participation row offers only the positions of the person
// chosen in that row: the row's person goes along with the autocomplete request.
'use strict';
{
    const $ = django.jQuery;
    let person = '';

    $(document).on('select2:opening', 'select[name$="-position"]', function () {
        const row = this.name.slice(0, -'position'.length);
        const chosen = document.querySelector(`select[name="${row}person"]`);
        person = chosen ? chosen.value : '';
    });

    $.ajaxPrefilter(function (options) {
        const forPosition = typeof options.data === 'string' &&
            options.data.includes('model_name=participation') &&
            options.data.includes('field_name=position');
        if (forPosition && person) {
            options.data += '&person=' + encodeURIComponent(person);
        }
    });
}
