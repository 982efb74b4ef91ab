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

## Channels
channels-title = Meine Kanäle
channels-none = Du hast noch keinen Kanal. Ein Kanal ist deine Identität im Netzwerk: deine Seite, deine Beiträge, deine Verbindungen.
channels-create = Kanal anlegen

## Notifications
notifications-title = { $name }: Benachrichtigungen
notifications-none = Keine Benachrichtigungen.

## Channel navigation
subnav-channel = Kanalseite
subnav-network = Netzwerk
subnav-connections = Verbindungen
subnav-notifications = Benachrichtigungen
subnav-permissions = Berechtigungen
subnav-locations = Orte
subnav-files = Dateien
subnav-profile = Profil bearbeiten

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

## Errors
error-not-found = Nicht gefunden
error-not-found-help = Unter dieser Adresse gibt es nichts. Vielleicht wurde es gelöscht, oder es ist nur für bestimmte Menschen sichtbar.
error-forbidden = Nicht erlaubt
error-next = Was du jetzt tun kannst
error-go-home = Zur Startseite
error-log-in = Anmelden, wenn du hier ein Konto hast

## Settings
settings-title = Einstellungen
settings-language = Sprache und Zeitzone
settings-language-label = Sprache der Seiten
settings-timezone-label = Zeitzone
settings-save = Speichern
settings-saved = Deine Einstellungen sind gespeichert.

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
