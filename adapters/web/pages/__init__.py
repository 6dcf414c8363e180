"""The HTML pages: server-rendered, over the same use cases as the API.

One module per area registers its routes on ``common.blueprint``: ``shell``
(home, sign-in/up, plan, the plain-POST form endpoint), ``job_infos`` (the
list, the form, the hub), ``errors`` (HTML 404/500 for browser URLs),
``coach`` (which coach answers, and its help page), ``questions``,
``interviews``, ``resume``, ``voice`` (the voice interview's call page),
``progress`` (the charts of the user's practice). A
new area adds its module here; ``entrypoints.bootstrap`` wires the whole
package.
Text from users and from the coach is either escaped by Jinja or rendered
with ``adapters.web.markdown.render``, which sanitises it.
"""

from adapters.web.pages import coach, errors, interviews, job_infos, progress, questions, resume, shell, voice
from adapters.web.pages.common import blueprint

__all__ = ["blueprint", "coach", "errors", "install", "interviews", "job_infos", "progress", "questions",
           "resume", "shell", "voice"]

install = errors.install
