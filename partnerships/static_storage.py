"""Static files as production serves them: minified, content-hashed, then compressed.

The site's own stylesheets and scripts keep their comments in the repository (why a rule
or a step is there); readers need neither those nor the indentation. Minifying them at
``collectstatic`` takes about a fifth off every page's CSS and JS (issue 5's budget counts
them). Vendored libraries and Django's admin files are copied as they come.
"""

from pathlib import PurePosixPath

import rcssmin
import rjsmin
from django.core.files.base import ContentFile
from whitenoise.storage import CompressedManifestStaticFilesStorage

MINIFIERS = {".css": rcssmin.cssmin, ".js": rjsmin.jsmin}
OWN_FOLDERS = {"css", "js"}  # static/css and static/js; static/vendor is left as it is


def minifier(name):
    path = PurePosixPath(name)
    return MINIFIERS.get(path.suffix) if path.parts[0] in OWN_FOLDERS else None


class MinifiedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def _save(self, name, content):
        # Every copy goes through here: the file under its own name and its hashed copy
        # (whose hash is the source's, so a new minifier does not change any address).
        minify = minifier(name)
        if minify is not None:
            content.seek(0)
            text = content.read()
            if isinstance(text, bytes):
                text = text.decode("utf-8")
            content = ContentFile(minify(text).encode("utf-8"))
        return super()._save(name, content)
