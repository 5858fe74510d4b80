"""The data licence is stated wherever the data leaves the site."""

import pytest

from partnerships.licence import LICENCES


@pytest.mark.parametrize("spdx", sorted(LICENCES))
def test_every_page_footer_names_the_licence_of_the_setting(client, db, settings, spdx):
    settings.DATA_LICENCE = spdx
    licence = LICENCES[spdx]

    html = client.get("/agreements/").content.decode()

    assert f'<a href="{licence.url}" rel="license">{licence.title}</a>' in html
