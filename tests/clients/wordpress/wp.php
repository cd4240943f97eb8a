<?php
// Drives Debian's WordPress from the command line for the round-trip test:
// `install`, `import FILE` (with WordPress's own importer plugin, fetching
// attachments) and `dump` (the site as JSON, for comparing field by field).
// Configuration comes from the environment: WP_DB (a MariaDB database),
// WP_CONTENT (a folder for uploads), WP_URL (the site's address) and
// WP_IMPORTER (the importer plugin's folder). Written for Dateline's tests.

define('DL_ACTION', $argv[1] ?? '');
$dl_args = $argv;
define('DB_NAME', getenv('WP_DB'));
define('DB_USER', getenv('WP_DB_USER') ?: 'root');
define('DB_PASSWORD', getenv('WP_DB_PASSWORD') ?: '');
define('DB_HOST', getenv('WP_DB_HOST') ?: 'localhost');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
define('ABSPATH', '/usr/share/wordpress/');
define('WP_CONTENT_DIR', getenv('WP_CONTENT'));
define('WP_HOME', getenv('WP_URL'));
define('WP_SITEURL', getenv('WP_URL'));
define('WP_DEBUG', false);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_HTTP_BLOCK_EXTERNAL', false);
$table_prefix = 'wp_';
$_SERVER['HTTP_HOST'] = parse_url(getenv('WP_URL'), PHP_URL_HOST);
$_SERVER['SERVER_NAME'] = $_SERVER['HTTP_HOST'];
$_SERVER['REQUEST_URI'] = '/';
if (DL_ACTION === 'install') {
    define('WP_INSTALLING', true);
}
require ABSPATH . 'wp-settings.php';
if (getenv('WP_COAUTHORS')) {
    // A site with Co-Authors Plus: bylines are terms of its `author` taxonomy.
    register_taxonomy('author', 'post', ['public' => false, 'hierarchical' => false]);
}

if (DL_ACTION === 'install') {
    require_once ABSPATH . 'wp-admin/includes/upgrade.php';
    $r = wp_install('WordPress Test', 'admin', 'admin@example.org', false, '', 'a long enough password');
    global $wp_rewrite;
    $wp_rewrite->set_permalink_structure('/%year%/%monthnum%/%day%/%postname%/');
    flush_rewrite_rules();
    update_option('timezone_string', getenv('WP_TZ') ?: 'America/New_York');
    // An empty site: the sample post, page and comment go.
    foreach (get_posts(['post_type' => ['post', 'page'], 'post_status' => 'any', 'numberposts' => -1]) as $p) {
        wp_delete_post($p->ID, true);
    }
    echo json_encode(['user_id' => $r['user_id']]), "\n";
    exit(0);
}

if (DL_ACTION === 'import') {
    define('WP_LOAD_IMPORTERS', true);
    define('IMPORT_DEBUG', true);
    require_once ABSPATH . 'wp-admin/includes/admin.php';
    require_once getenv('WP_IMPORTER') . '/wordpress-importer.php';
    wp_set_current_user(1);
    // The test server listens on loopback, on a port of its own choosing.
    add_filter('http_request_host_is_external', '__return_true');
    add_filter('http_allowed_safe_ports', function ($ports) { return array_merge($ports, [(int) getenv('WP_FETCH_PORT')]); });
    $importer = new WP_Import();
    $importer->fetch_attachments = true;
    // Every author of the file becomes a WordPress user of the same login, as
    // the importer's form does when nothing is mapped by hand.
    $data = $importer->parse($dl_args[2]);
    $_POST['imported_authors'] = array_keys($data['authors']);
    ob_start();
    $importer->import($dl_args[2]);
    $log = ob_get_clean();
    fwrite(STDERR, strip_tags(str_replace('<br />', "\n", $log)));
    exit(0);
}

if (DL_ACTION === 'dump') {
    global $wpdb;
    $out = ['options' => [], 'posts' => [], 'terms' => [], 'comments' => [], 'users' => []];
    foreach (['blogname', 'blogdescription', 'timezone_string'] as $o) {
        $out['options'][$o] = get_option($o);
    }
    foreach ($wpdb->get_results("SELECT * FROM {$wpdb->posts} WHERE post_type IN ('post','page','attachment') ORDER BY ID", ARRAY_A) as $p) {
        $id = (int) $p['ID'];
        $meta = [];
        foreach (get_post_meta($id) as $k => $vs) {
            if ($k[0] === '_' && !in_array($k, ['_wp_old_slug', '_wp_old_date', '_thumbnail_id', '_wp_attached_file', '_wp_attachment_image_alt', '_dateline_dateline', '_dateline_corrections'], true)) {
                continue;
            }
            $meta[$k] = $vs;
        }
        $terms = [];
        foreach (['category', 'post_tag', 'author'] as $tax) {
            if (!taxonomy_exists($tax)) {
                continue;
            }
            $ts = wp_get_object_terms($id, $tax, ['fields' => 'all']);
            if (!is_wp_error($ts)) {
                foreach ($ts as $t) {
                    $terms[] = [$tax, $t->slug, $t->name];
                }
            }
        }
        $author = get_userdata((int) $p['post_author']);
        $row = [
            'id' => $id, 'type' => $p['post_type'], 'title' => $p['post_title'], 'name' => $p['post_name'],
            'status' => $p['post_status'], 'date' => $p['post_date'], 'date_gmt' => $p['post_date_gmt'],
            'content' => $p['post_content'], 'excerpt' => $p['post_excerpt'], 'password' => $p['post_password'],
            'comment_status' => $p['comment_status'], 'parent' => (int) $p['post_parent'],
            'author' => $author ? $author->user_login : '', 'meta' => (object) $meta, 'terms' => $terms,
            'guid' => $p['guid'], 'permalink' => get_permalink($id),
        ];
        if ($p['post_type'] === 'attachment') {
            $file = get_attached_file($id);
            $row['file'] = $file ? basename($file) : '';
            $size = $file && file_exists($file) ? getimagesize($file) : false;
            $row['width'] = $size ? $size[0] : 0;
            $row['height'] = $size ? $size[1] : 0;
        }
        $out['posts'][] = $row;
    }
    foreach (['category', 'post_tag', 'author'] as $tax) {
        if (!taxonomy_exists($tax)) {
            continue;
        }
        foreach (get_terms(['taxonomy' => $tax, 'hide_empty' => false]) as $t) {
            $out['terms'][] = ['taxonomy' => $t->taxonomy, 'slug' => $t->slug, 'name' => $t->name];
        }
    }
    foreach ($wpdb->get_results("SELECT * FROM {$wpdb->comments} ORDER BY comment_ID", ARRAY_A) as $c) {
        $out['comments'][] = [
            'id' => (int) $c['comment_ID'], 'post' => (int) $c['comment_post_ID'], 'author' => $c['comment_author'],
            'email' => $c['comment_author_email'], 'url' => $c['comment_author_url'], 'date_gmt' => $c['comment_date_gmt'],
            'content' => $c['comment_content'], 'approved' => $c['comment_approved'], 'parent' => (int) $c['comment_parent'],
            'type' => $c['comment_type'],
        ];
    }
    foreach (get_users() as $u) {
        $out['users'][] = ['login' => $u->user_login, 'email' => $u->user_email, 'name' => $u->display_name];
    }
    echo json_encode($out, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE), "\n";
    exit(0);
}

if (DL_ACTION === 'resolve') {
    // What WordPress answers for an address: the post it shows, or where it
    // redirects an old address (wp_old_slug_redirect), as a reader would see.
    $_SERVER['REQUEST_URI'] = $dl_args[2];
    global $wp, $wp_query;
    add_filter('wp_redirect', function ($location) {
        echo json_encode(['post' => null, 'redirect' => $location]), "\n";
        exit(0);
    });
    $wp->parse_request();
    $wp->query_posts();
    $wp->handle_404();
    if (!is_404() && $wp_query->post) {
        echo json_encode(['post' => (int) $wp_query->post->ID, 'redirect' => null]), "\n";
        exit(0);
    }
    // What WordPress does before answering a 404: its old-slug redirect and
    // its canonical redirect (which guesses a moved post by its slug).
    do_action('template_redirect');
    echo json_encode(['post' => null, 'redirect' => null]), "\n";
    exit(0);
}

fwrite(STDERR, "usage: php wp.php install|import FILE|dump|resolve PATH\n");
exit(2);
