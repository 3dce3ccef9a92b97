"""The notification preview page: per achievement, the toast, the e-mail and the push an agent
gets, as a static HTML file a reviewer opens from the merge request's artifacts.

Pure: achievements and their rendered channels in, one self-contained HTML document out (inline
CSS, no script, no external asset, so it opens from a file or an artifact browser as it is).
The page's own template is ours; what goes into it is not (notification templates are written
in manifests and rendered for the sample agent), so jinja2 autoescapes every value. Deep links
are shown as text, never as a link: a manifest's URL is not something a reviewer should follow
from a preview.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from jinja2 import Environment, select_autoescape

from ..manifests.models import Achievement
from ..manifests.templates import Rendered

CHANNELS = ("toast", "email", "push")


@dataclass(frozen=True)
class Card:
    """One achievement as the page shows it: each channel's fields, or None when disabled."""

    achievement: Achievement
    channels: Mapping[str, Mapping[str, str] | None]


def cards(rendered: Mapping[Achievement, Sequence[Rendered]]) -> list[Card]:
    result = []
    for achievement, parts in rendered.items():
        channels: dict[str, dict[str, str] | None] = dict.fromkeys(CHANNELS)
        for part in parts:
            fields = channels.get(part.channel) or {}
            fields[part.field] = part.text
            channels[part.channel] = fields
        result.append(Card(achievement, channels))
    return result


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Notification preview: {{ environment }}</title>
<style>
  body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0;
         background: #f3f4f6; color: #111827; }
  header { background: #1f2937; color: #fff; padding: 16px 24px; }
  header h1 { font-size: 18px; margin: 0 0 4px; }
  header p { margin: 0; color: #d1d5db; }
  main { padding: 16px 24px; display: grid; gap: 20px; }
  section.achievement { background: #fff; border: 1px solid #e5e7eb; border-radius: 8px;
                        padding: 16px; }
  section.achievement h2 { font-size: 16px; margin: 0 0 2px; }
  .meta { color: #6b7280; margin: 0 0 12px; }
  .channels { display: grid; grid-template-columns: repeat(3, minmax(220px, 1fr)); gap: 14px; }
  .channel { border-radius: 8px; padding: 12px; border: 1px solid #d1d5db; min-height: 90px; }
  .channel h3 { font-size: 11px; text-transform: uppercase; letter-spacing: .06em;
                color: #6b7280; margin: 0 0 8px; }
  .channel.disabled { background: repeating-linear-gradient(45deg, #f9fafb, #f9fafb 8px,
                      #f3f4f6 8px, #f3f4f6 16px); color: #6b7280; }
  .disabled-note { font-style: italic; }
  .toast-box { background: #111827; color: #fff; border-radius: 6px; padding: 10px 12px;
               box-shadow: 0 4px 10px rgba(0,0,0,.25); }
  .mail { background: #fff; border: 1px solid #e5e7eb; border-radius: 4px; }
  .mail .head { border-bottom: 1px solid #e5e7eb; padding: 6px 8px; color: #374151; }
  .mail .subject { font-weight: 600; color: #111827; }
  .mail .body, .push-body { white-space: pre-wrap; padding: 8px; margin: 0; font: inherit; }
  .phone { background: #e5e7eb; border-radius: 18px; padding: 12px 10px; }
  .push-card { background: rgba(255,255,255,.95); border-radius: 12px; padding: 8px 10px; }
  .push-title { font-weight: 600; }
  .push-body { padding: 2px 0 0; }
  .deep-link { display: block; margin-top: 8px; font: 12px ui-monospace, monospace;
               color: #1d4ed8; word-break: break-all; }
</style>
</head>
<body>
<header>
  <h1>Notification preview: {{ environment }}</h1>
  <p>As {{ agent.name }} ({{ agent.email }}) would receive them;
     {{ cards|length }} achievement(s).</p>
</header>
<main>
{% for card in cards %}
{% set a = card.achievement %}
<section class="achievement" data-achievement="{{ a.name }}">
  <h2>{{ a.name }}</h2>
  <p class="meta">{{ a.description }} &middot; {{ a.completion_type.value }},
     {{ a.scope_type.value }} &middot; when {{ a.trigger.metric }} {{ a.trigger.operator.value }}
     {{ a.trigger.value|number }}</p>
  <div class="channels">
  {% set toast = card.channels.toast %}
  <div class="channel toast{{ ' disabled' if toast is none }}" data-channel="toast">
    <h3>Desktop toast</h3>
    {% if toast is none %}<p class="disabled-note">Disabled: no toast is shown.</p>
    {% else %}<div class="toast-box">{{ toast.text }}</div>{% endif %}
  </div>
  {% set email = card.channels.email %}
  <div class="channel email{{ ' disabled' if email is none }}" data-channel="email">
    <h3>E-mail</h3>
    {% if email is none %}<p class="disabled-note">Disabled: no e-mail is sent.</p>
    {% else %}<div class="mail">
      <div class="head">To: {{ agent.email }}<br>
        <span class="subject">{{ email.subject }}</span></div>
      <pre class="body">{{ email.body }}</pre>
    </div>{% endif %}
  </div>
  {% set push = card.channels.push %}
  <div class="channel push{{ ' disabled' if push is none }}" data-channel="push">
    <h3>Mobile push</h3>
    {% if push is none %}<p class="disabled-note">Disabled: no push is sent.</p>
    {% else %}<div class="phone"><div class="push-card">
      <div class="push-title">{{ push.title }}</div>
      <pre class="push-body">{{ push.body }}</pre>
      {% if push.deep_link %}<span class="deep-link" title="Opens when tapped">
        {{ push.deep_link }}</span>{% endif %}
    </div></div>{% endif %}
  </div>
  </div>
</section>
{% else %}
<p>This environment declares no achievements.</p>
{% endfor %}
</main>
</body>
</html>
"""

# Autoescaping on for everything (the page is HTML whatever its name); undefined is an error.
_env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
# A trigger declared as 50 is a float in the model; show it as declared.
_env.filters["number"] = lambda v: int(v) if isinstance(v, float) and v.is_integer() else v


def page(environment: str, agent: Mapping[str, str], all_cards: Sequence[Card]) -> str:
    return _env.from_string(_PAGE).render(environment=environment, agent=agent, cards=all_cards)
