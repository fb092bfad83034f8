"""toolkit.ops.explore on stores we fill row by row, so every figure can be checked by hand."""

from __future__ import annotations

import datetime as dt
import json

import matplotlib
import polars as pl
import pytest
from explore_data import fill

from toolkit.errors import ChatbookError, InputError
from toolkit.ops import explore
from toolkit.store.connect import migrate_all, open_db, open_vectors

matplotlib.use("Agg")

@pytest.fixture
def con(settings, db_conn):
    fill(db_conn)
    open_vectors(settings).close()
    connection = explore.connect(settings)
    yield connection
    connection.close()


def test_extensions_load_offline_from_the_pip_packages(settings, db_conn, tmp_path,
                                                      monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))  # where DuckDB would install or download to
    open_vectors(settings).close()
    con = explore.connect(settings)
    loaded = [r[0] for r in con.execute(
        "SELECT extension_name FROM duckdb_extensions() WHERE loaded").fetchall()]
    assert "sqlite_scanner" in loaded
    switches = dict(con.execute(
        "SELECT name, value FROM duckdb_settings() WHERE name IN "
        "('autoinstall_known_extensions', 'autoload_known_extensions')").fetchall())
    assert switches == {"autoinstall_known_extensions": "false",
                        "autoload_known_extensions": "false"}
    con.close()
    path = explore.extension_path("sqlite_scanner")
    assert "site-packages" in str(path) and path.name == "sqlite_scanner.duckdb_extension"
    assert list(home.iterdir()) == []  # nothing installed, nothing downloaded


def test_stores_are_attached_read_only(con):
    assert set(explore.attached(con)) == {"chat", "vec"}
    with pytest.raises(Exception, match="read-only"):
        con.execute("DELETE FROM chat.messages")


def test_missing_store_is_a_clear_error(settings):
    with pytest.raises(InputError, match="chatbook init"):
        explore.connect(settings)


def test_overview(con):
    rows = explore.overview(con).to_dicts()
    assert [(r["chat"], r["messages"], r["authors"], r["lang"]) for r in rows] == [
        ("Team", 6, 3, "en"), ("Familia", 3, 2, "es")]
    assert rows[0]["first"] == dt.datetime(2024, 5, 6, 9, 0)


@pytest.mark.parametrize(
    ("period", "chat", "expected"),
    [
        ("day", "Team", [("Team", dt.date(2024, 5, 6), 4)]
         + [("Team", dt.date(2024, 5, day), 0) for day in range(7, 14)]
         + [("Team", dt.date(2024, 5, 14), 1)]),
        ("week", None, [("Team", dt.date(2024, 5, 6), 4), ("Familia", dt.date(2024, 5, 6), 3),
                        ("Team", dt.date(2024, 5, 13), 1), ("Familia", dt.date(2024, 5, 13), 0)]),
        ("month", "Familia", [("Familia", dt.date(2024, 5, 1), 3)]),
    ],
)
def test_messages_per_period(con, period, chat, expected):
    frame = explore.messages_per_period(con, period, chat)
    got = sorted(frame.rows(), key=lambda r: (r[1], r[0] != "Team"))
    assert got == expected


def test_bad_period_is_refused(con):
    with pytest.raises(InputError, match="period must be one of day, week, month"):
        explore.messages_per_period(con, "fortnight")


def test_messages_per_author(con):
    frame = explore.messages_per_author(con, "Team")
    rows = {r["author"]: r for r in frame.to_dicts()}
    assert {a: (r["messages"], r["media"]) for a, r in rows.items()} == {
        "Ana": (2, 0), "Ben": (2, 1), "Cleo": (1, 0)}
    assert rows["Ana"]["words"] == 5 + 5
    assert rows["Ana"]["share"] == pytest.approx(0.4)


def test_activity_heatmap_is_the_full_grid(con):
    frame = explore.activity_heatmap(con)
    assert frame.height == 7 * 24
    grid = explore.heatmap_matrix(frame)
    assert grid[0][9] == 3  # Monday 09h: Ana, Ben, Ana (the 10:00 system message is not counted)
    assert grid[0][21] == 1
    assert grid[5][12] == 2 and grid[5][20] == 1  # Saturday
    assert grid[1][18] == 1  # Tuesday the 14th
    assert sum(map(sum, grid)) == 8


def test_media_share(con):
    rows = {r["chat"]: r for r in explore.media_share(con).to_dicts()}
    assert (rows["Familia"]["media"], rows["Familia"]["messages"]) == (1, 3)
    assert rows["Familia"]["share"] == pytest.approx(0.3333)
    assert rows["Team"]["share"] == pytest.approx(0.2)


@pytest.mark.parametrize(
    ("chat", "expected_top", "absent"),
    [
        ("Team", [("stadium", 3), ("training", 2)], {"the", "at", "i'm", "10am"}),
        ("Familia", [("abuela", 2), ("cena", 2)], {"la", "el", "es", "en", "con"}),
    ],
)
def test_top_words_drop_stopwords_of_the_chat_language(con, chat, expected_top, absent):
    frame = explore.top_words(con, chat, n=10)
    assert frame.rows()[: len(expected_top)] == expected_top
    assert not absent & set(frame["word"].to_list())


def test_response_times(con):
    rows = {(r["chat"], r["author"]): r for r in explore.response_times(con).to_dicts()}
    # Ben answers Ana after 600 s; Ana answers Ben after 1800 s; Ben's photo 41,400 s later is
    # outside the 6 h window; Cleo a week later too. Luis answers Mamá after 300 s.
    assert rows[("Team", "Ben")]["replies"] == 1 and rows[("Team", "Ben")]["median_s"] == 600
    assert rows[("Team", "Ana")]["median_s"] == 1800
    assert rows[("Familia", "Luis")]["median_s"] == 300
    assert ("Team", "Cleo") not in rows


def test_events_timeline(con):
    rows = explore.events_timeline(con).to_dicts()
    assert [(r["source"], r["title"], r["day"], r["chat"]) for r in rows] == [
        ("event", "Training", dt.date(2024, 5, 7), "Team"),
        ("proposal", "Cena", dt.date(2024, 5, 18), "Familia"),
    ]
    assert [r["title"] for r in explore.events_timeline(con, "Familia").to_dicts()] == ["Cena"]


def test_media_attachments_needs_media(con):
    with pytest.raises(ChatbookError, match="media processing is off"):
        explore.media_attachments(con)


@pytest.mark.parametrize("empty", [False, True])
def test_plots_draw_data_and_empty_frames(con, empty):
    frames = {
        "time": explore.messages_per_period(con, "day"),
        "authors": explore.messages_per_author(con),
        "events": explore.events_timeline(con),
    }
    if empty:
        frames = {k: v.clear() for k, v in frames.items()}
    figures = [
        explore.plot_messages_over_time(frames["time"]),
        explore.plot_heatmap(explore.activity_heatmap(con)),
        explore.plot_bars(frames["authors"], "author", "messages", "Most active"),
        explore.plot_events_timeline(frames["events"]),
    ]
    for fig in figures:
        ax = fig.axes[0]
        has_data = bool(ax.lines or ax.images or ax.patches or ax.collections)
        texts = [t.get_text() for t in ax.texts]
        assert has_data or (empty and "no data yet" in texts)
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.mark.postgres
def test_postgres_attached_when_media_is_on(media_settings):
    migrate_all(media_settings)
    conn = open_db(media_settings)
    ids = fill(conn)
    conn.close()
    from toolkit.store import pg

    with pg.connect(media_settings) as pconn:
        pconn.execute(
            "INSERT INTO attachments(message_id, chat, file_name, sha256, mime, size_bytes, path) "
            "VALUES (%s, 'Familia', 'IMG-0001.jpg', 'abc', 'image/jpeg', 2048, 'ab/abc.jpg')",
            (ids["IMG-0001.jpg (file attached)"],))
        pconn.execute(
            "INSERT INTO extractions(attachment_id, extractor, extractor_version, status, result) "
            "SELECT id, 'ocr', '1', 'done', %s::jsonb FROM attachments",
            (json.dumps({"events": []}),))
    con = explore.connect(media_settings)
    try:
        assert set(explore.attached(con)) == {"chat", "vec", "media"}
        frame = explore.media_attachments(con)
        assert frame.to_dicts() == [{"chat": "Familia", "mime": "image/jpeg", "attachments": 1,
                                     "bytes": 2048, "extractions_done": 1,
                                     "extractions_failed": 0}]
        with pytest.raises(Exception, match="read-only"):
            con.execute("DELETE FROM media.attachments")
        assert isinstance(frame, pl.DataFrame)
    finally:
        con.close()


def test_select_chat(con):
    assert explore.select_chat(con, "") is None
    assert explore.select_chat(con, "Team") == "Team"
    with pytest.raises(InputError, match=r"no chat named 'Nope' \(chats: Familia, Team\)"):
        explore.select_chat(con, "Nope")


def test_media_summary_says_why_when_media_is_off(con):
    assert "IMAGE_PROCESSING_ENABLED=false" in explore.media_summary(con)


def test_an_empty_store_gives_empty_frames(settings, db_conn):
    open_vectors(settings).close()
    con = explore.connect(settings)
    try:
        assert explore.overview(con).is_empty()
        for period in explore.PERIODS:
            assert explore.messages_per_period(con, period).is_empty()
        assert explore.messages_per_author(con).is_empty()
        assert explore.media_share(con).is_empty()
        assert explore.top_words(con).is_empty()
        assert explore.response_times(con).is_empty()
        assert explore.events_timeline(con).is_empty()
        heatmap = explore.activity_heatmap(con)
        assert heatmap.height == 168 and heatmap["messages"].sum() == 0
    finally:
        con.close()


def test_timeline_plot_says_when_it_shows_only_the_first_items(con):
    frame = explore.events_timeline(con)
    fig = explore.plot_events_timeline(frame, limit=1)
    ax = fig.axes[0]
    assert "the first 1 of 2" in ax.get_title()
    assert [t.get_text() for t in ax.texts] == ["Training"]
    import matplotlib.pyplot as plt

    plt.close("all")


def edit_and_accept(db_conn, title: str, start: str, chat: str) -> None:
    """A proposal a reviewer edited and accepted: status 'edited', with its event."""
    from toolkit.store import db

    now = db.utc_now()
    with db.transaction(db_conn):
        chat_id = db_conn.execute("SELECT id FROM chats WHERE name = ?", (chat,)).fetchone()[0]
        message = db_conn.execute("SELECT id FROM messages WHERE chat_id = ? LIMIT 1",
                                  (chat_id,)).fetchone()[0]
        cur = db_conn.execute(
            "INSERT INTO proposals(title, start, all_day, status, source_message_id, dedupe_key, "
            "created_at, updated_at) VALUES (?, ?, 0, 'edited', ?, ?, ?, ?)",
            (title, start, message, f"edited-{title}", now, now))
        db_conn.execute(
            "INSERT INTO events(uid, proposal_id, chat_id, title, start, all_day, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
            (f"uid-{title}", cur.lastrowid, chat_id, title, start, now, now))


def test_an_edited_and_accepted_proposal_is_on_the_timeline_once(settings, db_conn):
    fill(db_conn)
    edit_and_accept(db_conn, "Match moved", "2024-05-11T09:00:00+00:00", "Team")
    open_vectors(settings).close()
    con = explore.connect(settings)
    try:
        rows = [(r["source"], r["title"]) for r in explore.events_timeline(con).to_dicts()]
    finally:
        con.close()
    assert rows.count(("event", "Match moved")) == 1
    assert ("proposal", "Match moved") not in rows


def test_the_timeline_plots_every_event_of_a_busy_term(settings, db_conn):
    fill(db_conn)
    for day in range(1, 40):  # 39 accepted events, as many as a school term holds
        edit_and_accept(db_conn, f"Event {day}", f"2024-06-{day % 30 + 1:02d}T18:00:00+00:00",
                        "Team")
    open_vectors(settings).close()
    con = explore.connect(settings)
    try:
        frame = explore.events_timeline(con)
    finally:
        con.close()
    fig = explore.plot_events_timeline(frame)
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert len(labels) == frame.height == 41  # 39 + Training + the pending Cena
    assert "first" not in fig.axes[0].get_title()
    import matplotlib.pyplot as plt

    plt.close("all")


def test_plots_of_chats_with_emoji_names_print_no_missing_glyph_warning(settings, db_conn,
                                                                        recwarn):
    fill(db_conn)
    from toolkit.store import db

    with db.transaction(db_conn):
        db_conn.execute("UPDATE chats SET name = 'Team ⚽🏆' WHERE name = 'Team'")
        db_conn.execute("UPDATE messages SET author = 'Ben 🐝' WHERE author = 'Ben'")
        db_conn.execute("UPDATE events SET title = 'Training 🏃‍♀️'")
    open_vectors(settings).close()
    con = explore.connect(settings)
    try:
        figures = [
            explore.plot_messages_over_time(explore.messages_per_period(con, "day")),
            explore.plot_bars(explore.messages_per_author(con), "author", "messages", "Authors"),
            explore.plot_events_timeline(explore.events_timeline(con)),
        ]
    finally:
        con.close()
    for fig in figures:
        fig.canvas.draw()  # glyphs are looked up when the text is drawn
    glyphs = [str(w.message) for w in recwarn if "missing from" in str(w.message)]
    assert glyphs == []
    labels = [t.get_text() for fig in figures for ax in fig.axes for t in ax.texts]
    assert any(label.startswith("Training") for label in labels)
    import matplotlib.pyplot as plt

    plt.close("all")
