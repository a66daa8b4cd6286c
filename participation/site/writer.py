"""SiteWriter: every file the plugin puts in the output folder goes through it.

Like Pelican's own Writer it sends content_written with the absolute path and
the context the file was made with, so other plugins (a sitemap, a search
index) see the kwestie pages too. Unlike it, it writes atomically and leaves
unchanged files alone; the signal goes out for those as well, because such
plugins collect every page again on each build.
"""

import contextlib
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from pelican import signals
from pelican.utils import sanitised_join

from .. import i18n


class SiteWriter:
    def __init__(self, output_path, settings, get_template, shared_context):
        self.output_path = output_path
        self.settings = settings
        self.get_template = get_template
        self.shared_context = shared_context  # the generators' context; holds localsiteurl
        self.languages = i18n.languages(settings)
        self._inputs = {}  # name -> digest of the inputs it was last rendered from

    def render(self, name, template, inputs=None, each_language=None, **values):
        """Render a theme template to output_path/name in every language of the site: name for
        Dutch, en/name, ar/name, … for the others; returns those paths, relative.

        inputs: what the page shows besides the settings and the theme (a value with a stable
        repr). When they are those of this writer's last render of the page, the page is not
        rendered again: the rebuild worker keeps its writer, and most pages of a long list
        stay the same when one item is added.
        each_language: a function lang -> values of its own (a content page's translation).
        The kwestie a page is about (`issue`) is shown in the page's language (Issue.in_language).
        """
        name = Path(name).as_posix()
        digest = None if inputs is None else hashlib.blake2b(repr(inputs).encode("utf-8"), digest_size=16).digest()
        written = []
        for lang in self.languages:
            with i18n.using(lang):
                written.append(self._render(lang, name, template, digest, values, each_language))
        return written

    def _render(self, lang, name, template, digest, values, each_language):
        path = name.removesuffix("index.html")
        name = f"{lang}/{name}" if i18n.prefix(lang) else name
        values = {**i18n.page_values(self.settings, lang, self.settings.get("SITEURL", ""), path), **values}
        if "issue" in values:
            values["issue"] = values["issue"].in_language(lang)
        if digest is not None:
            if self._inputs.get(name) == digest and os.path.exists(os.path.join(self.output_path, name)):
                # Unchanged: its language's own values (each_language) are not even made.
                signals.content_written.send(sanitised_join(self.output_path, name),
                                             context=self.local_context(name, values))
                return name
            self._inputs[name] = digest
        if each_language:
            values.update(each_language(lang))
        context = self.local_context(name, values)
        return self._write(name, self.get_template(template).render(context).encode("utf-8"), context)

    @contextlib.contextmanager
    def only(self, lang):
        """Render (and remove) in one language for a while: the rebuild worker's follow-up
        goes a language at a time, so a resident's page never waits for all five."""
        every, self.languages = self.languages, (lang,)
        try:
            yield
        finally:
            self.languages = every

    def write(self, name, data, **values):
        """Write text or bytes to output_path/name; returns name, relative."""
        name = Path(name).as_posix()
        if isinstance(data, str):
            data = data.encode("utf-8")
        return self._write(name, data, self.local_context(name, values))

    def local_context(self, name, values):
        """The context as Pelican's Writer makes it: localsiteurl, output_file, then the values.

        It starts from the settings, not the shared context: in a full build that
        also holds Pelican's pages and articles, in the rebuild worker it does not,
        and both must render the same bytes.
        """
        context = dict(self.settings)
        context["localsiteurl"] = self.shared_context.get("localsiteurl")
        context["output_file"] = name
        context.update(values)
        return context

    def _write(self, name, data, context):
        path = sanitised_join(self.output_path, name)
        write_file(Path(path), data)
        signals.content_written.send(path, context=context)
        return name

    def remove(self, name):
        """Remove a file or folder below output_path, in every language, if it is there."""
        for target in self._in_every_language(name):
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()

    def remove_pages(self, folder, keep):
        """Remove numbered page folders beyond `keep` (a list that shrank), in every language."""
        for folder in self._in_every_language(folder):
            if not folder.is_dir():
                continue
            for child in folder.iterdir():
                if child.name.isdigit() and int(child.name) > keep:
                    shutil.rmtree(child)

    def _in_every_language(self, name):
        return [Path(self.output_path) / i18n.prefix(lang).lstrip("/") / name for lang in self.languages]


def write_file(path, data):
    """Write via a temporary file and rename, so a reader never sees half a page.

    Unchanged files are left alone (their mtime too), which keeps web caches warm.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if path.read_bytes() == data:
            return
    except FileNotFoundError:
        pass
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:  # also Ctrl+C, which may come after the rename
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
