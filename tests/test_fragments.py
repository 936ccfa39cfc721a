"""Cached fragments: the process's memory of recent ones in front of the shared cache."""

from django.core.cache import cache

from strategy_exchange import fragments
from strategy_exchange.fragments import _Recent, cached_fragment, cached_fragments, fragment_key, fragments_forget


def _counting(value):
    calls = []

    def render():
        calls.append(1)
        return value

    return render, calls


def test_cached_fragment_renders_once_and_then_answers_from_memory_without_the_shared_cache():
    key = fragment_key("test", 1)
    render, calls = _counting("<p>eins</p>")

    first = cached_fragment(key, render, timeout=60)
    cache.delete(key)  # the shared cache lost it: this process still has it under the same key
    second = cached_fragment(key, render, timeout=60)

    assert (first, second, len(calls)) == ("<p>eins</p>", "<p>eins</p>", 1)


def test_cached_fragment_of_a_new_version_is_rendered_afresh():
    render_old, _ = _counting("alt")
    render_new, calls = _counting("neu")

    cached_fragment(fragment_key("test", "version", 1), render_old, timeout=60)
    value = cached_fragment(fragment_key("test", "version", 2), render_new, timeout=60)

    assert (value, len(calls)) == ("neu", 1)


def test_recent_fragments_keep_to_their_size_dropping_the_least_recently_used():
    recent = _Recent(max_bytes=2000)
    for number in range(10):
        recent.put(f"key-{number}", "x" * 300)
        recent.get("key-0")  # read again and again: stays

    assert recent.size <= 2000
    assert recent.get("key-0") == "x" * 300
    assert recent.get("key-1") is None
    assert recent.get("key-9") == "x" * 300


def test_recent_fragments_skip_a_value_too_big_for_them():
    recent = _Recent(max_bytes=4000)

    recent.put("big", "x" * 2000)

    assert (recent.get("big"), recent.size) == (None, 0)


def test_fragments_forget_empties_the_memory_too():
    key = fragment_key("test", "forget")
    cached_fragment(key, lambda: "vorher", timeout=60)

    fragments_forget()
    render, calls = _counting("nachher")

    assert (cached_fragment(key, render, timeout=60), len(calls)) == ("nachher", 1)


def test_cached_fragment_with_shared_cache_down_renders_and_remembers(monkeypatch):
    class Down:
        def get(self, *args, **kwargs):
            raise ConnectionError("Redis down")

        set = get

    monkeypatch.setattr(fragments, "cache", Down())
    key = fragment_key("test", "down")
    render, calls = _counting("gerendert")

    values = [cached_fragment(key, render, timeout=60) for _ in range(3)]

    assert (values, len(calls)) == (["gerendert"] * 3, 1)


def _sections(calls: list):
    def render(missing):
        calls.append(list(missing))
        return {ident: f"<section>{ident}</section>" for ident in missing}

    return render


def test_cached_fragments_render_only_the_missing_ones_in_one_go():
    calls = []
    keys = {ident: fragment_key("test", "many", ident, 1) for ident in (1, 2, 3)}
    cached_fragments(keys, _sections(calls), timeout=60)
    changed = {**keys, 2: fragment_key("test", "many", 2, 2)}  # a new version of the second

    values = cached_fragments(changed, _sections(calls), timeout=60)

    assert calls == [[1, 2, 3], [2]]
    assert values == {1: "<section>1</section>", 2: "<section>2</section>", 3: "<section>3</section>"}


def test_cached_fragments_come_from_the_shared_cache_when_this_process_forgot_them():
    calls = []
    keys = {ident: fragment_key("test", "shared", ident) for ident in ("a", "b")}
    cached_fragments(keys, _sections(calls), timeout=60)

    fragments.fragments_memory_clear()
    values = cached_fragments(keys, _sections(calls), timeout=60)

    assert (calls, list(values)) == ([["a", "b"]], ["a", "b"])


def test_cached_fragments_with_shared_cache_down_render_them(monkeypatch):
    class Down:
        def get_many(self, *args, **kwargs):
            raise ConnectionError("Redis down")

        set_many = get_many

    monkeypatch.setattr(fragments, "cache", Down())
    monkeypatch.setattr(fragments._recent, "max_bytes", 0)
    calls = []
    keys = {ident: fragment_key("test", "many-down", ident) for ident in (1, 2)}

    values = [cached_fragments(keys, _sections(calls), timeout=60) for _ in range(2)]

    assert calls == [[1, 2], [1, 2]]
    assert values[1] == {1: "<section>1</section>", 2: "<section>2</section>"}
