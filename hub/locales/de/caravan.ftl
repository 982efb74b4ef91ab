# Caravans Web-App, Deutsch (begonnen; fehlende Texte erscheinen auf Englisch).

## Layout
skip-to-content = Zum Inhalt springen
nav-main = Hauptmenü
nav-my-channels = Meine Kanäle
nav-network = Netzwerk
nav-settings = Einstellungen
nav-admin = Verwaltung
nav-log-out = Abmelden
nav-log-in = Anmelden
nav-register = Registrieren
nav-sign-in-hub = Mit deinem Hub anmelden
nav-notifications = Benachrichtigungen
unread-notifications = { $count ->
    [0] Keine ungelesenen Benachrichtigungen
    [one] Eine ungelesene Benachrichtigung
   *[other] { $count } ungelesene Benachrichtigungen
}
visiting-as = Zu Besuch als { $address }
visiting-leave = Verlassen
switch-channel = Kanal wechseln
switch-channel-current = { $name } (aktuell)
footer-powered = Betrieben mit Caravan, einem Hub für nomadische Identitäten im Zot-Netzwerk.
footer-language = Sprache
footer-language-apply = Übernehmen
flash-dismiss = Schließen

## Home
home-welcome = Willkommen bei { $site }
home-intro = Dieser Hub beherbergt Kanäle: Seiten, Beiträge und Gespräche von Menschen und Gruppen, verbunden über das Zot-Netzwerk. Dein Kanal gehört dir: Er lässt sich auf einen anderen Hub klonen und zieht mit Verbindungen und Inhalten um.
home-go-channels = Zu meinen Kanälen
home-title = Startseite


## Log in, register, reset
login-title = Anmelden
login-email = E-Mail-Adresse
login-password = Passwort
login-submit = Anmelden
login-forgot = Passwort vergessen?
login-create = Konto anlegen
register-title = Konto anlegen
register-submit = Registrieren
logged-out = Du bist abgemeldet. Bis bald.
logged-out-everywhere = Du bist auf allen Geräten abgemeldet.
register-closed = Die Registrierung auf diesem Hub ist geschlossen.
register-approval = Neue Konten auf diesem Hub werden von der Verwaltung freigeschaltet.
register-already = Schon registriert?
password-hint = Mindestens { $min } Zeichen, Buchstaben gemischt mit Ziffern oder Sonderzeichen.
reset-title = Neues Passwort wählen
reset-new-password = Neues Passwort
reset-logs-out = Damit werden alle Sitzungen deines Kontos abgemeldet.
reset-submit = Passwort setzen
reset-request-title = Passwort zurücksetzen
reset-request-email = E-Mail-Adresse deines Kontos
reset-request-submit = Schick mir einen Link
rmagic-intro = Du hast einen Kanal auf einem anderen Zot-Hub (Caravan oder Hubzilla)? Gib seine Adresse an: Dein Hub meldet dich hier an, ohne Passwort, und du siehst, was dieser Kanal sehen darf.
rmagic-address = Adresse deines Kanals
rmagic-address-example = nick@hub.example
rmagic-submit = Weiter
rmagic-local = Du hast ein Konto auf diesem Hub? Dann geht es hier zum
rmagic-local-instead = (mit Passwort).
reset-request-page-title = Passwort zurücksetzen
reset-link-broken = Dieser Link funktioniert nicht


## Channels
channels-title = Meine Kanäle
channels-none = Du hast noch keinen Kanal. Ein Kanal ist deine Identität im Netzwerk: deine Seite, deine Beiträge, deine Verbindungen.
channels-create = Kanal anlegen
channels-or = oder
channels-import-link = einen von einem anderen Hub importieren
channels-import-after = (hierher umziehen oder klonen).
channel-new-name = Name
channel-new-nick = Spitzname
channel-new-nick-hint = Kleinbuchstaben, Ziffern und _. Deine Adresse lautet dann
channel-new-nick-placeholder = spitzname
channel-new-role = Art des Kanals
channel-new-submit = Kanal anlegen

## Import
import-title = Kanal importieren
import-intro = Ein Kanal sind seine Schlüssel, nicht sein Server. Hol ihn von einem anderen Hub (Caravan oder Hubzilla) hierher: Er behält sein Adressbuch, seine Berechtigungen und seine Identität, und alle, mit denen er verbunden ist, erfahren von seinem neuen Zuhause.
import-clone-before = Standardmäßig wird er ein
import-clone-word = Klon
import-clone-after = : Er lebt auf beiden Hubs, und sie bleiben synchron.
import-primary-before = Mach ihn hier zum
import-primary-word = Hauptort
import-primary-after = und zieh ihn damit um.
import-online-heading = Von seinem alten Hub
import-online-address = Die Adresse des Kanals dort
import-online-address-example = name@hub.example.org
import-online-login = Deine Anmeldung dort (E-Mail oder Spitzname)
import-online-password = Dein Passwort dort
import-online-password-hint = Wird nur an diesen Hub geschickt, um den Kanal zu holen; hier nicht gespeichert.
import-online-posts = Auch die Beiträge des Kanals mitnehmen
import-make-primary = Diesen Hub zum Hauptort machen (den Kanal hierher umziehen)
import-online-submit = Vom alten Hub importieren
import-file-heading = Aus einer Exportdatei
import-file-label = Exportdatei (JSON, gepackt oder nicht, bis { $mib } MiB)
import-file-submit = Datei importieren

## Locations
locations-title = { $name }: Orte
locations-intro = Dein Kanal sind seine Schlüssel, nicht sein Server: Er kann auf mehreren Hubs zugleich leben (Klone). Jede Änderung an einem erreicht die anderen. Am Hauptort finden andere dich zuerst.
locations-only-here = Dieser Kanal lebt nur auf diesem Hub. Importiere seinen Export auf einem anderen Hub, um ihn zu klonen.
locations-in-sync = Alle Orte sind synchron ({ $counts }).
locations-out-of-sync = Nicht alle Orte sind synchron: siehe unten.
locations-location = Ort
locations-state = Zustand
locations-primary = Hauptort
locations-export-link = Export dieses Kanals herunterladen
locations-export-after = (Identität mit Schlüsseln, Profil, Verbindungen, Berechtigungen, Beiträge): Bewahre ihn sicher auf, er enthält den privaten Schlüssel des Kanals. Um den Kanal auf einen anderen Hub zu klonen, importiere ihn dort, aus dieser Datei oder mit deiner Anmeldung direkt von diesem Hub.
locations-make-primary-hint = Mach diesen Hub zum Hauptort, zum Beispiel wenn der alte Hauptort für immer weg ist. Deine Verbindungen werden benachrichtigt.
locations-make-primary = Diesen Hub zum Hauptort machen
locations-leave-heading = Den Kanal auf diesem Hub löschen
locations-leave-hint = Der Kanal lebt an seinen anderen Orten weiter, mit allem, was dazugehört; sie werden benachrichtigt, ebenso deine Verbindungen. Du kannst ihn später wieder hier importieren.
locations-leave-confirm = Ja, auf diesem Hub löschen
locations-leave-submit = Hier löschen

## Permissions
permissions-title = Kanalberechtigungen
permissions-intro = Jede Zeile sagt, was eine Berechtigung erlaubt und wer sie haben darf. Verbindungen kann man in ihren eigenen Einstellungen weniger geben, nie mehr. Beiträge, die du schon mit einer Gruppe oder ausgewählten Kanälen geteilt hast, bleiben bei ihnen, egal was du hier änderst.
permissions-what = Was sie erlaubt
permissions-who = Wer darf
permissions-who-for = Wer darf: { $what }


## Notifications
notifications-title = { $name }: Benachrichtigungen
notifications-none = Keine Benachrichtigungen.
notify-request = möchte sich mit dir verbinden:
notify-review = ansehen
notify-comment = hat deinen Beitrag kommentiert:
notify-like = gefällt dein Beitrag:
notify-mention = hat dich erwähnt:
notify-open = öffnen


## Connections
connections-title = { $name }: Verbindungen
connections-connect = Verbinden
connections-address = Adresse (name@hub.example) oder URL des Kanals
connections-role = Was sie dürfen
connections-requests = Anfragen
connections-wants = möchte sich verbinden.
connections-role-for = Rolle für { $address }
connections-approve = Annehmen
connections-refuse = Ablehnen und blockieren
connections-connected = Verbunden
connections-none = Noch keine Verbindungen.
connections-blocked = blockiert
connections-ignored = ignoriert
connections-archived = archiviert
connections-visit = besuchen
connections-they-grant = Sie erlauben dir: { $perms }
connections-may-do = Was { $name } darf
connections-save-perms = Berechtigungen speichern
groups-title = Privatsphäre-Gruppen
groups-hint = Schreib an eine Gruppe, und nur ihre Mitglieder erhalten den Beitrag.
groups-new = Neue Gruppe
groups-create = Gruppe anlegen
groups-remove = Entfernen
groups-add-to = Verbindung, die zu { $group } hinzukommt
groups-add = Hinzufügen

## Profile
profile-about = Über mich (Markdown)
profile-homepage = Homepage
profile-locality = Wohnort
profile-back = Zurück zum Kanal

## Channel page
page-profile-hidden = Dieser Kanal zeigt sein Profil nur bestimmten Menschen.
page-delete-banner = Dieser Kanal wird gelöscht
page-delete-scheduled = Er wird am { $when } gelöscht: Dann sind seine Beiträge, Dateien und Verbindungen für immer weg. Bis dahin kannst du es dir anders überlegen.
page-delete-cancel = Löschen abbrechen
page-posts = Beiträge
page-posts-hidden = Dieser Kanal teilt seine Beiträge nur mit bestimmten Menschen.
page-posts-elsewhere = Du hast anderswo einen Kanal?
page-no-posts = Noch keine Beiträge.
page-no-posts-visible = Noch keine Beiträge, die du sehen kannst.
page-no-connections = Keine Verbindungen zum Anzeigen.
pager-label = Seiten
pager-newer = Neuere Beiträge
pager-older = Ältere Beiträge

## Files
cloud-title = Dateien von { $name }
cloud-folder = Ordner
cloud-folder-audience = Wer diesen Ordner sehen kann: { $audience }
cloud-usage = { $used } von { $quota } belegt.
cloud-empty = Hier ist noch nichts.
cloud-name = Name
cloud-size = Größe
cloud-changed = Geändert
cloud-audience = Wer es sehen kann
cloud-change = Ändern
cloud-restricted = Eingeschränkt:
cloud-audience-of = Wer { $name } sehen kann
cloud-audience-choose = Wer es sehen kann …
cloud-set = Setzen
cloud-rename-label = Neuer Name für { $name }
cloud-rename = Umbenennen
cloud-move-label = { $name } verschieben nach
cloud-move-choose = Verschieben nach …
cloud-move-top = Oberste Ebene (Dateien)
cloud-move = Verschieben
cloud-add = Hinzufügen
cloud-upload-label = Datei hochladen
cloud-upload-hint = Neue Dateien sieht, wer die Dateien deines Kanals sehen darf; schränke sie nach dem Hochladen ein.
cloud-upload = Hochladen
cloud-mkdir-label = Neuer Ordner
cloud-mkdir = Ordner anlegen

## Apps
apps-title = Berechtigte Apps
apps-intro = Apps und Bots, die über die Client-API als einer deiner Kanäle handeln. Widerrufst du eine, ist sie sofort abgemeldet.
apps-none = Keine App ist berechtigt.
apps-app = App
apps-channel = Kanal
apps-may = Darf
apps-since = Seit
apps-last-used = Zuletzt benutzt
apps-actions = Aktionen
apps-token = (Token)
apps-revoke = Widerrufen
apps-bots = Bots und Skripte:
apps-bots-after = gibt einmalig ein Token aus; es wird hier aufgeführt.
apps-passwords = App-Passwörter
apps-passwords-intro = Für WebDAV und Datei-Sync-Programme (rclone, davfs, ein Dateimanager): Melde dich mit deiner E-Mail-Adresse oder dem Spitznamen eines Kanals und einem App-Passwort statt deines Kontopassworts an. Widerrufst du eines, gilt es sofort nicht mehr.
apps-new-password = Dein neues App-Passwort
apps-new-password-after = steht unten. Kopier es jetzt: Es wird nicht noch einmal angezeigt.
apps-dav = Deine Dateien über WebDAV:
apps-dav-user = Benutzer
apps-passwords-none = Noch kein App-Passwort.
apps-made = Angelegt
apps-password-example = Laptop-Sync
apps-password-make = App-Passwort anlegen

## OAuth
oauth-title = { $app } berechtigen
oauth-page-title = Eine App berechtigen
oauth-asks = möchte einen deiner Kanäle nutzen.
oauth-able = Sie wird Folgendes können:
oauth-no-channel = Du hast noch keinen Kanal.
oauth-create-channel = Leg zuerst einen an
oauth-create-channel-first = und komm dann zurück.
oauth-act-as = Handeln als
oauth-revoke-hint = Du kannst das jederzeit widerrufen unter
oauth-approve = Berechtigen
oauth-deny = Ablehnen
oauth-code-title = Autorisierungscode
oauth-code-copy = Kopier diesen Code und füge ihn ein in
oauth-code-hint = Er funktioniert einmal, in den nächsten zehn Minuten.

## Delivery
status-title = Zustellung deines Beitrags
status-page-title = Zustellung
status-post = Der Beitrag
status-back = Zurück zum Netzwerk
status-none = Dieser Beitrag ging an keinen anderen Hub (noch ist sonst niemand in seinem Publikum).
status-hub = Hub
status-details = Details


## Channel navigation
subnav-channel = Kanalseite
subnav-network = Netzwerk
subnav-connections = Verbindungen
subnav-notifications = Benachrichtigungen
subnav-permissions = Berechtigungen
subnav-locations = Orte
subnav-files = Dateien
subnav-profile = Profil bearbeiten
subnav-label = Kanal
subnav-settings = Einstellungen


## Posts
post-restricted = Eingeschränkt
post-edited = bearbeitet
post-edit = Bearbeiten
post-delete = Löschen
post-likes = { $count ->
    [one] ein Like
   *[other] { $count } Likes
}
post-like = Gefällt mir
post-comment = Kommentieren
post-history = Verlauf


## Errors
error-not-found = Nicht gefunden
error-not-found-help = Unter dieser Adresse gibt es nichts. Vielleicht wurde es gelöscht, oder es ist nur für bestimmte Menschen sichtbar.
error-forbidden = Nicht erlaubt
error-next = Was du jetzt tun kannst
error-go-home = Zur Startseite
error-log-in = Anmelden, wenn du hier ein Konto hast
error-forbidden-help = Das darfst du hier nicht.
error-other = Etwas ist schiefgegangen
error-sign-in-hub = Melde dich mit deinem Hub an, wenn dein Kanal anderswo lebt
error-go-back = Geh zurück zur Seite, von der du kamst
error-my-channels = Zu deinen Kanälen


## Settings
settings-title = Einstellungen
settings-language = Sprache und Zeitzone
settings-language-label = Sprache der Seiten
settings-timezone-label = Zeitzone
settings-save = Speichern
settings-saved = Deine Einstellungen sind gespeichert.
settings-timezone-hint = Zeiten auf den Seiten erscheinen in dieser Zone, zum Beispiel Europe/Berlin oder America/New_York.
settings-password-changed = Dein Passwort ist geändert. Alle anderen Sitzungen wurden abgemeldet.
settings-logged-in-as = Angemeldet als { $email }
settings-password = Passwort
settings-current-password = Aktuelles Passwort
settings-new-password = Neues Passwort
settings-password-hint = Mindestens { $min } Zeichen, Buchstaben gemischt mit Ziffern oder Symbolen. Eine Änderung meldet alle anderen Sitzungen ab.
settings-change-password = Passwort ändern
settings-email = E-Mail-Adresse
settings-email-is = Deine Adresse ist
settings-email-pending = Eine Änderung auf
settings-email-pending-after = wartet darauf, dass du den dorthin gemailten Link öffnest.
settings-new-email = Neue E-Mail-Adresse
settings-email-hint = Wir mailen einen Link an die neue Adresse; die Änderung gilt, sobald du ihn öffnest. Deine bisherige Adresse wird benachrichtigt.
settings-change-email = E-Mail-Adresse ändern
settings-email-mailed = Wir haben einen Link an die neue Adresse gemailt: Deine Adresse ändert sich, wenn du ihn öffnest.
settings-email-changed = Deine E-Mail-Adresse ist jetzt { $email }.
settings-apps = Apps
settings-apps-intro = Apps und Bots, die als deine Kanäle handeln:
settings-sessions = Wo du angemeldet bist
settings-session-times = seit { $created }, zuletzt gesehen { $seen }
settings-session-current = dieser Browser
settings-unknown-browser = Unbekannter Browser
settings-logout-everywhere = Überall abmelden
settings-delete-account = Dein Konto löschen
settings-delete-scheduled = Dein Konto und alle seine Kanäle werden am { $when } gelöscht.
settings-delete-explain = Löscht alle Kanäle dieses Kontos (ihre Beiträge, Dateien und Verbindungen) { $count ->
    [one] { $count } Tag
   *[other] { $count } Tage
} nach deiner Bestätigung, danach das Konto selbst. Bis dahin kannst du hier abbrechen. Lade vorher den Export jedes Kanals auf seiner Löschseite herunter, wenn du ihn behalten willst.
settings-your-password = Dein Passwort
settings-delete-submit = { $count ->
    [one] Mein Konto in { $count } Tag löschen
   *[other] Mein Konto in { $count } Tagen löschen
}
settings-delete-flash = Dein Konto und alle seine Kanäle werden am { $when } gelöscht. Bis dahin kannst du abbrechen.
settings-delete-cancelled = Das Löschen ist abgebrochen: Dein Konto bleibt.


## Composer and editing
flash-posted = Dein Beitrag ist veröffentlicht.
flash-post-updated = Deine Änderungen sind gespeichert.
flash-post-deleted = Der Beitrag ist gelöscht. Hubs, die ihn erhalten haben, werden gebeten, ihn ebenfalls zu entfernen.
compose-preview = Vorschau
compose-preview-heading = Vorschau (noch nicht veröffentlicht)
compose-help = Hilfe zur Formatierung
edit-title = Beitrag bearbeiten
edit-save = Änderungen speichern
edit-cancel = Abbrechen
delete-title = Diesen Beitrag löschen?
delete-confirm = Löschen
delete-keep = Behalten
stream-new-posts = { $count ->
    [one] Ein neuer Beitrag: anzeigen
   *[other] { $count } neue Beiträge: anzeigen
}
compose-heading = Neuer Beitrag
compose-attach = Dateien anhängen aus
compose-attach-files = deinen Dateien
compose-attach-hint = (Bilder erscheinen im Beitrag; angehängte Dateien bekommen das Publikum des Beitrags)
compose-attach-none = Um Dateien oder Bilder anzuhängen,
compose-attach-upload = lade sie in deine Dateien hoch
compose-attach-first = – zuerst.
compose-audience = Wer es lesen kann
compose-audience-to = Nur diese Kanäle
compose-audience-to-hint = Nur du und die Kanäle, die du nennst, können es sehen.
compose-audience-to-label = Kanaladressen, durch Kommas getrennt
compose-audience-to-example = nick@hub.example, …
compose-audience-keeps = Ein Beitrag behält das Publikum, für das er geschrieben wurde, egal was du später änderst.
compose-post = Veröffentlichen
flash-comment-deleted = Der Kommentar ist gelöscht.
compose-help-intro = Beiträge werden in Markdown geschrieben:
help-bold = **fett**
help-italic = *kursiv*
help-link = [ein Link](https://example.org)
help-heading = # Überschrift
help-quote = > ein Zitat
help-code = `Code` oder ein Block, um vier Leerzeichen eingerückt
help-list = - ein Listenpunkt
help-table = | a | b |, dann |---|---|, dann Zeilen
help-urls = Adressen, die mit https:// beginnen, werden von selbst zu Links.
edit-comment-title = Kommentar bearbeiten
edit-text = Text (Markdown)
edit-note = Alle, die ihn erhalten haben, bekommen die neue Fassung; die alte bleibt in seinem Verlauf.
history-title = Verlauf eines Beitrags
history-current = Aktuelle Fassung
history-written = Geschrieben { $when }
history-none = Dieser Beitrag wurde nie geändert.
delete-comment-title = Diesen Kommentar löschen?
delete-explain = Er verschwindet von diesem Hub, und jeder Hub, der ihn erhalten hat, wird gebeten, ihn zu entfernen. Das lässt sich nicht rückgängig machen.

## Channel deletion and settings
channel-delete-title = Diesen Kanal löschen
channel-delete-heading = Den Kanal { $name } löschen
channel-delete-already = Dieser Kanal wird bereits am { $when } gelöscht. Abbrechen kannst du das auf der
channel-delete-page-link = Kanalseite
channel-delete-what = Was passiert
channel-delete-what-channel = Der Kanal
channel-delete-what-when = { $count ->
    [one] wird { $count } Tag nach deiner Bestätigung gelöscht.
   *[other] wird { $count } Tage nach deiner Bestätigung gelöscht.
} Bis dahin funktioniert er wie bisher, und du kannst das Löschen auf der Kanalseite abbrechen.
channel-delete-what-then = Danach werden seine Beiträge, Kommentare, Dateien, Verbindungen und Privatsphäre-Gruppen für immer von diesem Hub entfernt, und die Hubs deiner Verbindungen erfahren, dass der Kanal fort ist.
channel-delete-what-clones = Ein Kanal, der auch auf anderen Hubs lebt (Klone), kann hier nicht gelöscht werden: Verlasse diesen Ort stattdessen auf der Seite
channel-delete-what-clones-after = des Kanals.
channel-delete-keep-copy = Zuerst eine Kopie behalten
channel-delete-export-hint = Der Export enthält die Identität mit ihren Schlüsseln, das Profil, die Verbindungen und die Beiträge: Du kannst ihn später auf einem anderen Hub importieren. Bewahre ihn sicher auf, er enthält den privaten Schlüssel des Kanals.
channel-delete-confirm = Bestätigen
channel-delete-submit = { $count ->
    [one] Diesen Kanal in { $count } Tag löschen
   *[other] Diesen Kanal in { $count } Tagen löschen
}
channel-delete-flash = Der Kanal { $name } wird am { $when } gelöscht. Bis dahin kannst du abbrechen.
channel-delete-cancelled = Das Löschen ist abgebrochen: Der Kanal bleibt.
channel-settings-title = Kanaleinstellungen
channel-settings-privacy = Privatsphäre neuer Beiträge
channel-settings-legend = Wer einen neuen Beitrag lesen kann, wenn du nichts anderes wählst
channel-settings-hint = Das Eingabefeld auf der Kanalseite beginnt mit dieser Wahl, ebenso Apps, die posten, ohne zu sagen, wer lesen darf. Beiträge behalten das Publikum, für das sie geschrieben wurden.
channel-settings-saved = Gespeichert: Neue Beiträge beginnen mit diesem Publikum.

## Network stream
stream-conversations = Unterhaltungen
stream-empty = Hier ist noch nichts. Verbinde dich mit Kanälen, um ihre Beiträge zu sehen.
stream-delivery = Zustellung
stream-newer = Neuere
stream-older = Ältere

## Visiting other hubs
visit-not-signed-in = Nicht angemeldet
visit-refused-heading = Du wurdest dort nicht angemeldet
visit-continue-to = Ohne Anmeldung weiter zu { $dest }
visit-expired-heading = Du wurdest nicht angemeldet
visit-expired = Dieser Anmeldelink ist abgelaufen oder wurde schon benutzt. Öffne den Link erneut von deinem eigenen Hub aus oder mach als Gast weiter.
visit-guest = Als Gast weiter

## Admin
admin-title = Verwaltung
admin-heading = Hub-Verwaltung
admin-overview = Übersicht
admin-accounts = Konten
admin-channels = Kanäle
admin-queue = Warteschlange
admin-registrations = Registrierungen
admin-registration = Registrierung
admin-who-may-register = Wer sich registrieren darf
admin-policy-open = Alle (offen)
admin-policy-approve = Alle, nach meiner Freigabe
admin-policy-closed = Niemand (geschlossen)
admin-policy-saved = Registrierungsregel gespeichert.
admin-pending = Konten, die auf Freigabe warten
admin-none = Keine.
admin-registered = registriert { $when }
admin-is-admin = Admin
admin-waiting = wartet auf Freigabe
admin-is-suspended = gesperrt
admin-lookalike = Prüfe diese Adresse: { $why }
admin-approve = Freigeben
admin-approved = Konto freigegeben.
admin-suspend = Sperren
admin-suspended = Konto gesperrt; seine Sitzungen wurden abgemeldet.
admin-reinstate = Entsperren
admin-reinstated = Konto entsperrt.
admin-refuse = Ablehnen
admin-refused = Registrierung abgelehnt: Das Konto ist gelöscht.
admin-search-label = E-Mail-Adresse enthält
admin-search = Suchen
admin-no-match = Kein Konto passt.
admin-no-channel = Noch kein Kanal.
admin-col-channel = Kanal
admin-col-owner = Besitzer
admin-col-items = Einträge
admin-col-created = Erstellt
admin-to-be-deleted = wird gelöscht am { $when }
admin-queue-title = Zustellwarteschlange
admin-queue-total = { $count ->
    [one] { $count } Nachricht wartet.
   *[other] { $count } Nachrichten warten.
}
admin-queue-none = Noch nie wurde einem Hub etwas geschickt.
admin-col-hub = Hub
admin-col-waiting = Wartend
admin-col-oldest = Älteste
admin-col-failures = Fehlschläge
admin-col-last-error = Letzter Fehler
admin-col-next = Nächster Versuch
admin-col-action = Aktion
admin-given-up = aufgegeben
admin-retry = Jetzt erneut versuchen
admin-retry-for = Jetzt erneut versuchen: { $hub }
admin-retried = Die Zustellung an diesen Hub wird jetzt erneut versucht.
admin-policy-is = Wer sich registrieren darf:
admin-policy-anyone = alle
admin-policy-anyone-approval = alle, nach Freigabe
admin-policy-nobody = niemand
admin-policy-change = (ändern in der
admin-policy-overview = Übersicht
admin-waiting-heading = Warten auf Freigabe

## Admin look
admin-look = Name, Logo und Farbe der Seite
admin-site-name = Name der Seite
admin-logo = Adresse des Logos (ein Bild auf diesem Hub, zum Beispiel /static/img/caravan.svg; leer für keines)
admin-accent = Akzentfarbe (#rrggbb)
admin-look-saved = Das Aussehen der Seite ist gespeichert.

## Photos
photo-heading = Profilfoto
photo-current = Dein aktuelles Profilfoto
photo-file = Bilddatei (PNG, JPEG, GIF oder WebP, bis { $mib } MiB)
photo-crop = Quadrat, das bleiben soll, in Pixeln des Bildes (optional: leer behält die Mitte)
photo-crop-x = Vom linken Rand
photo-crop-y = Vom oberen Rand
photo-crop-size = Seitenlänge des Quadrats
photo-save = Foto hochladen
cover-heading = Titelbild
cover-current = Dein aktuelles Titelbild
cover-file = Bilddatei (zugeschnitten auf ein 3:1-Band von höchstens 1500 × 500 Pixeln; bis { $mib } MiB)
cover-save = Titelbild hochladen
photo-saved = Dein Foto wurde gespeichert.
cover-saved = Dein Titelbild wurde gespeichert.
