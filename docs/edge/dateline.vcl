# Varnish in front of Dateline (Debian: apt install varnish varnish-modules).
# Dateline names what every page is built from in the `xkey` header and
# sends PURGE requests with those keys on every change (`[cache] purge` in
# dateline.toml); this configuration keeps pages until then. docs/EDGE.md
# explains each part and how to check it.
vcl 4.1;

import directors;
import std;
import xkey;

# --- backends: one per Dateline node (the test harness rewrites this block) ---
backend node1 {
    .host = "127.0.0.1";
    .port = "8081";
    .probe = { .url = "/healthz"; .interval = 2s; .timeout = 1s; .window = 3; .threshold = 2; }
}
backend node2 {
    .host = "127.0.0.1";
    .port = "8082";
    .probe = { .url = "/healthz"; .interval = 2s; .timeout = 1s; .window = 3; .threshold = 2; }
}
sub vcl_init {
    new nodes = directors.round_robin();
    nodes.add_backend(node1);
    nodes.add_backend(node2);
}
# --- end of backends ---

# Who may purge: the Dateline nodes.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    set req.backend_hint = nodes.backend();

    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Not allowed to purge"));
        }
        # A hard purge (an unpublished story, a correction) drops the pages:
        # no stale copy of them is ever served again, not even on errors.
        if (req.http.xkey-purge) {
            return (synth(200, "Purged " + xkey.purge(req.http.xkey-purge)));
        }
        # A soft purge keeps them as stale copies while one fetch refreshes them.
        if (req.http.xkey-softpurge) {
            return (synth(200, "Soft-purged " + xkey.softpurge(req.http.xkey-softpurge)));
        }
        return (synth(400, "No xkey-purge or xkey-softpurge header"));
    }

    # Live stories' event streams go straight to a node, unbuffered.
    if (req.url ~ "^/live/[0-9]+/events") {
        return (pipe);
    }
    # The newsroom, the API, comment posting and anything personal are never cached.
    if (req.url ~ "^/(admin|api|setup|comments|healthz|metrics)(/|\?|$)") {
        return (pass);
    }
    # Pages that belong to one browser: its comments awaiting moderation, a
    # story it unlocked with a password, a staff session.
    if (req.http.Cookie ~ "(^|;\s*)(dl_pending|dl_pw_[0-9]+|dl_session)=") {
        return (pass);
    }
    if (req.method == "GET" || req.method == "HEAD") {
        # No other cookie changes a public page.
        unset req.http.Cookie;
        return (hash);
    }
}

sub vcl_backend_fetch {
    # Tells Dateline an edge asks: it answers only once it has heard every
    # committed change (a purge can arrive before every node heard of it),
    # and it may answer with ESI.
    set bereq.http.Surrogate-Capability = "varnish=ESI/1.0";
}

sub vcl_pipe {
    # One stream per connection.
    set bereq.http.Connection = "close";
}

sub vcl_backend_response {
    # Dateline sends `s-maxage` (Varnish's TTL) and `stale-if-error`; keep a
    # copy that long, so a page is served stale while it refetches and while
    # the nodes fail. Pages purged hard are gone before this matters.
    if (beresp.http.Cache-Control ~ "stale-if-error=[0-9]+") {
        set beresp.grace = std.duration(
            regsub(beresp.http.Cache-Control, ".*stale-if-error=([0-9]+).*", "\1") + "s", 60s);
    }
    # A refresh in the background that fails keeps the stale copy.
    if (beresp.status >= 500 && bereq.is_bgfetch) {
        return (abandon);
    }
    # The banner fragment comes in through ESI (`[cache] esi = true`).
    if (beresp.http.Surrogate-Control ~ "ESI/1.0") {
        unset beresp.http.Surrogate-Control;
        set beresp.do_esi = true;
    }
}

sub vcl_deliver {
    # The keys are for this cache, not for browsers.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
}
