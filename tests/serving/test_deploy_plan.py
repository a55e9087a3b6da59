"""The rclone deploy's target detection and upload order (pure parts of newsroom.deploy)."""

from __future__ import annotations

from newsroom.deploy import IMMUTABLE, deploy_files, is_rclone_target, plan


def test_rclone_targets_are_configured_remotes_or_connection_strings():
    remotes = {"r2", "s3"}
    assert is_rclone_target("r2:news-example-kr", remotes)
    assert is_rclone_target("s3:bucket/site", remotes)
    assert is_rclone_target(":sftp,host=127.0.0.1,port=2222:site", set())
    assert not is_rclone_target("web1.example.kr:/var/www/news", remotes)  # rsync over ssh
    assert not is_rclone_target("deploy@r2:/srv", remotes)
    assert not is_rclone_target("/var/www/news", remotes)


def test_assets_go_first_then_new_pages_then_changed_pages_home_last():
    files = ["index.html", "news/a.html", "news/new.html", "feeds/all.atom.xml",
             "theme/css/site.css", "theme/css/site.0123456789.css", "images/x.0a1b2c3d4e.jpg",
             "robots.txt", "search/index-0.json"]
    existing = {"index.html", "news/a.html", "feeds/all.atom.xml", "theme/css/site.css"}
    p = plan(files, existing)
    assert p.immutable == ["theme/css/site.0123456789.css", "images/x.0a1b2c3d4e.jpg"]
    assert p.assets == ["theme/css/site.css", "search/index-0.json"]
    assert p.new_documents == ["news/new.html", "robots.txt"]
    assert p.documents[-1] == "index.html" and set(p.documents) == {
        "index.html", "news/a.html", "feeds/all.atom.xml"}
    steps = [(what, files, headers) for what, files, headers in p.steps() if files]
    assert [what for what, _files, _headers in steps] == [
        "fingerprinted assets", "other assets", "new pages", "changed .atom.xml feeds",
        "changed pages"]
    assert steps[0][2] == [IMMUTABLE] and "immutable" not in steps[-1][2][0]
    assert steps[3][1] == ["feeds/all.atom.xml"]
    assert steps[3][2][1] == "Content-Type: application/atom+xml; charset=utf-8"
    assert steps[-1][1][-1] == "index.html"


def test_gz_twins_and_dot_files_are_not_uploaded(tmp_path):
    for rel in ("index.html", "index.html.gz", ".hidden", "theme/.cache/x", "news/a.html"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    assert deploy_files(tmp_path) == ["index.html", "news/a.html"]
