# Catálogo en español de Stoa (español neutro, tuteo).
# Los ids de los mensajes deben coincidir con los del catálogo en inglés (en/main.ftl), que sirve de respaldo.

## Navegación y diseño

nav-skip = Ir al contenido
nav-label = Principal
nav-home = Inicio
nav-spaces = Espacios
nav-profile = Tu perfil
nav-settings = Configuración
nav-admin = Administración
nav-sign-in = Iniciar sesión
nav-sign-up = Registrarse
nav-sign-out = Cerrar sesión
breadcrumb = Ruta de navegación
footer-powered = Stoa, un lugar para aprender juntos
footer-api = API
actions = Acciones
save = Guardar
cancel = Cancelar
pager = Páginas
pager-newer = Más recientes
pager-older = Anteriores
pager-previous = Anterior
pager-next = Siguiente
pager-position = Página { $page } de { $pages }
markdown-help = Puedes usar Markdown: **negrita**, _cursiva_, listas, tablas, `código`, [enlaces](https://example.org) e imágenes.

## Tiempos y recuentos

time-just-now = ahora mismo
time-minutes-ago = { $n ->
    [one] hace un minuto
   *[other] hace { $n } minutos
}
time-hours-ago = { $n ->
    [one] hace una hora
   *[other] hace { $n } horas
}
time-days-ago = { $n ->
    [one] ayer
   *[other] hace { $n } días
}
month-1 = ene
month-2 = feb
month-3 = mar
month-4 = abr
month-5 = may
month-6 = jun
month-7 = jul
month-8 = ago
month-9 = sept
month-10 = oct
month-11 = nov
month-12 = dic
members-count = { $n ->
    [one] 1 miembro
   *[other] { $n } miembros
}
threads-count = { $n ->
    [one] 1 hilo
   *[other] { $n } hilos
}
replies-count = { $n ->
    [one] 1 respuesta
   *[other] { $n } respuestas
}
posts-count = { $n ->
    [one] 1 publicación
   *[other] { $n } publicaciones
}
unread-count = { $n } sin leer
days-count = { $n ->
    [one] 1 día
   *[other] { $n } días
}
last-active = última actividad: { $when }

## Avisos que se muestran una vez después de una acción

flash-signed-in = Hola de nuevo.
flash-signed-out = Se cerró tu sesión.
flash-welcome = ¡Te damos la bienvenida a Stoa! Busca un espacio al que unirte o crea el tuyo.
flash-joined = Te uniste a este espacio.
flash-left = Saliste del espacio.
flash-request-sent = Se envió tu solicitud. Podrás entrar cuando alguien la apruebe.
flash-request-withdrawn = Se retiró tu solicitud.
flash-space-created = Tu espacio está listo. Invita a otras personas o inicia el primer hilo.
flash-settings-saved = Configuración guardada.
flash-profile-saved = Se guardó tu perfil.
flash-password-changed = Se cambió tu contraseña. Se cerró tu sesión en todos los demás dispositivos.
flash-invite-sent = Invitación enviada.
flash-invite-revoked = Invitación revocada.
flash-invite-accepted = ¡Te damos la bienvenida! Ya eres miembro.
flash-invite-declined = Invitación rechazada.
flash-request-approved = Solicitud aprobada: ahora es miembro.
flash-request-denied = Solicitud rechazada.
flash-role-changed = Rol cambiado.
flash-member-removed = Se quitó al miembro.
flash-post-updated = Se actualizó tu publicación.
flash-post-deleted = Se eliminó la publicación.
flash-token-revoked = Token revocado. Ya no funciona.
flash-user-updated = Cuenta actualizada.
flash-doc-discarded = El texto en vivo vuelve a empezar desde su página.
admin-quarantined = Textos en vivo apartados
admin-quarantined-help = No se pudieron leer estos textos en vivo, así que nadie puede abrirlos. Sus páginas conservan su última versión guardada. Reiniciar uno borra su texto en vivo; quien lo abra después empieza desde la última versión de la página (las notas de un evento empiezan vacías).
admin-quarantined-doc = Texto de
admin-quarantined-reason = Motivo
admin-quarantined-at = Desde
admin-quarantined-discard = Reiniciar
flash-user-created = Cuenta creada.

## Inicio

home-title = Inicio
home-hero-title = Aprendamos juntos.
home-hero-lead = Comunidades de práctica, espacios de equipo y debates abiertos donde colegas y personas expertas comparten lo que saben, con un/a facilitador/a que mantiene todo en marcha.
home-hero-cta = Crea tu cuenta
home-hero-browse = Explorar espacios
home-invites = Invitaciones
home-invite-line = { $inviter } te invitó a { $space }
home-activity = Actividad reciente en tus espacios
home-public-activity = Actividad reciente
home-activity-empty = Aún no hay nada aquí. Únete a un espacio o inicia un hilo, y lo que ocurra aparecerá aquí.
home-public-activity-empty = Aún no hay actividad en los espacios públicos.
home-your-spaces = Tus espacios
home-public-spaces = Espacios públicos
home-no-spaces = Aún no hay espacios.
home-browse-spaces = Explorar espacios
activity-started = inició el hilo
activity-replied = respondió en
activity-joined = se unió a

## Inicio de sesión y registro

signin-title = Iniciar sesión
signin-login = Nombre de usuario o correo electrónico
signin-submit = Iniciar sesión
signin-failed = Nombre de usuario o contraseña incorrectos.
signin-no-account = ¿Primera vez aquí?
signup-title = Crea tu cuenta
signup-submit = Crear cuenta
signup-have-account = ¿Ya tienes una cuenta?
signup-invite-only = Esta instancia funciona solo por invitación: necesitas un enlace de invitación de un espacio para registrarte.
field-username = Nombre de usuario
field-username-help = De 3 a 32 caracteres: letras, dígitos, _ y -. Otras personas lo usarán para mencionarte con @.
field-display-name = Nombre visible
field-email = Correo electrónico
field-optional = (opcional)
field-password = Contraseña
field-password-help = Al menos 10 caracteres. Una frase corta es fácil de recordar y difícil de adivinar.
field-current-password = Contraseña actual
field-new-password = Contraseña nueva
field-bio = Sobre ti
field-language = Idioma
field-language-browser = El mismo que mi navegador
language-en = English
language-es = Español

## Perfiles y configuración

profile-joined = se unió el { $date }
profile-admin = Admin
profile-edit = Editar tu perfil
profile-spaces = Espacios
profile-no-spaces = No hay espacios que puedas ver.
settings-title = Configuración
settings-sections = Secciones de configuración
settings-profile = Perfil
settings-password = Contraseña
settings-password-change = Cambiar contraseña
settings-password-sessions = Al cambiarla, se cerrará tu sesión en todos los demás dispositivos.
settings-tokens = Tokens de API
token-new = Nuevo token de API
token-help = Los tokens permiten que scripts y otros programas usen la API de Stoa en tu nombre. Envía uno como "Authorization: Bearer <token>".
token-name = Nombre
token-create = Crear token
token-created = Tu nuevo token
token-created-help = Cópialo ahora: por tu seguridad, no se volverá a mostrar.
token-secret = Token
token-list = Tus tokens
token-none = No tienes tokens de API.
token-prefix = Empieza por
token-created-at = Creado
token-last-used = Último uso
token-never-used = nunca
token-revoke = Revocar

## Espacios

directory-title = Espacios
directory-search = Buscar espacios
directory-kind = Tipo
directory-all-kinds = Todos los tipos
directory-filter = Filtrar
directory-empty = Ningún espacio coincide. Prueba con otras palabras o crea un espacio.
community = Comunidad
community-plural = Comunidades
community-help = Una comunidad de práctica o una red en torno a un tema.
team = Equipo
team-plural = Equipos
team-help = Un grupo pequeño con un problema en común, independiente o dentro de una comunidad.
team-new = Nuevo equipo
space-new = Nuevo espacio
space-create = Crear espacio
space-in = en { $name }
space-about = Acerca de
space-no-description = Aún no hay descripción.
space-join = Unirse
space-leave = Salir de este espacio
space-request = Solicitar unirse
space-request-title = Solicitar unirse a { $name }
space-request-message = Una nota para quienes aprueban las solicitudes
space-request-message-help = Cuenta quién eres y por qué te gustaría unirte.
space-request-send = Enviar solicitud
space-request-pending = Tu solicitud está pendiente de aprobación.
space-request-withdraw = Retirar
space-sign-in-to-join = Inicia sesión para unirte
space-sections = Secciones del espacio
space-tab-threads = Hilos
space-tab-members = Miembros
space-tab-invites = Invitaciones
space-tab-requests = Solicitudes
space-tab-settings = Configuración
space-no-threads = Aún no hay hilos.
space-members-only-title = Solo para miembros
space-members-only-body = Las conversaciones de este espacio solo son visibles para sus miembros. Únete o envía una solicitud para unirte y participar.
field-kind = Tipo de espacio
field-parent = Dentro de la comunidad
field-parent-none = Ninguna: un equipo independiente
field-parent-help = Un equipo dentro de una comunidad es visible para los facilitadores de la comunidad, y sus miembros deben pertenecer a la comunidad.
field-space-name = Nombre
field-slug = Dirección
field-slug-help = Se usa en los enlaces: /s/tu-direccion. Si la dejas vacía, se genera a partir del nombre.
field-description = Descripción
field-visibility = Quién puede verlo
field-join-policy = Cómo se une la gente
field-role = Rol
visibility-public = Público
visibility-public-help = Cualquiera puede leerlo, incluso sin una cuenta.
visibility-members = Solo miembros
visibility-members-help = Aparece en el directorio; solo los miembros pueden leer las conversaciones.
visibility-secret = Secreto
visibility-secret-help = No aparece en el directorio: solo los miembros saben que existe.
join-open = Abierto
join-open-help = Cualquiera que pueda ver el espacio puede unirse.
join-request = Con solicitud
join-request-help = Las personas envían una solicitud para unirse; propietarios y facilitadores la aprueban.
join-invite = Con invitación
join-invite-help = Solo pueden unirse las personas invitadas.
role-owner = Propietario
role-facilitator = Facilitador
role-member = Miembro
member-since = miembro desde el { $date }
member-role-of = Rol de { $name }
member-change-role = Cambiar
member-remove = Quitar
requests-empty = No hay solicitudes pendientes.
request-approve = Aprobar
request-deny = Rechazar
invite-person = Invitar a alguien
invite-send = Enviar invitación
invite-link = Enlace de invitación
invite-link-create = Crear un enlace de invitación
invite-link-created = Tu enlace de invitación
invite-link-created-help = Compártelo con las personas que quieras invitar. Solo se muestra esta vez.
invite-expires = Vence después de
invite-expires-on = vence el { $date }
invite-max-uses = Número de usos
invite-uses = { $n ->
    [one] 1 uso
   *[other] { $n } usos
}
invite-made-by = por { $name }, { $when }
invite-revoke = Revocar
invites-pending = Invitaciones pendientes
invites-none = No hay invitaciones pendientes.
invite-accept = Aceptar invitación
invite-decline = Rechazar
invite-link-title = Invitación
invite-link-heading = Tienes una invitación a { $name }
invite-link-from = { $name } te invitó.
invite-link-sign-up = Crea una cuenta para unirte
invite-link-sign-in = Ya tengo una cuenta

## Hilos y publicaciones

thread-new = Nuevo hilo
thread-post = Publicar hilo
thread-start-first = Inicia el primer hilo
thread-started-by = por { $name }
thread-last-reply = última respuesta de { $name }, { $when }
thread-new-since = { $n ->
    [one] 1 publicación nueva desde tu última visita
   *[other] { $n } publicaciones nuevas desde tu última visita
}
thread-new-divider = Novedades desde tu última visita
field-title = Título
field-body = Mensaje
post-edited = editada
post-in-reply-to = en respuesta a #{ $n }
post-new = Nueva
post-quote = Citar
post-edit = Editar
post-delete = Eliminar
post-delete-confirm = ¿Eliminar esta publicación? Aparecerá como eliminada en el hilo.
post-deleted = Esta publicación se eliminó.
post-history = Historial de ediciones
post-history-current = Versión actual
post-version = versión { $n }
post-back = Volver al hilo
reply-heading = Responder
reply-label = Tu respuesta
reply-submit = Publicar respuesta
reply-sign-in = Inicia sesión para responder.
reply-join = Únete al espacio para responder:
edit-conflict = Esta publicación cambió mientras la editabas. Arriba se muestra su texto actual; tu texto se conserva abajo. Guarda de nuevo para reemplazarlo.
edit-conflict-current = La publicación tal como está ahora
edit-conflict-yours = Tu texto

## Administración

admin-title = Administración
admin-instance = Esta instancia
admin-instance-name = Nombre de la instancia
admin-registration = Quién puede registrarse
admin-registration-open = Cualquiera
admin-registration-open-help = Cualquiera que llegue a este sitio puede crear una cuenta.
admin-registration-invite = Solo personas invitadas
admin-registration-invite-help = Se necesita un enlace de invitación de un espacio para crear una cuenta.
admin-create-user = Crear una cuenta
admin-make-admin = Hacer admin a esta persona
admin-users = Cuentas
admin-filter-users = Buscar personas
admin-joined = Registro
admin-status = Estado
admin-suspended = Suspendida
admin-grant-admin = Hacer admin
admin-revoke-admin = Quitar admin
admin-suspend = Suspender
admin-reinstate = Reactivar

## Página de documentación de la API

api-docs-title = Documentación de la API
api-docs-download = Documento OpenAPI (JSON)
api-docs-operations = { $n ->
    [one] 1 operación
   *[other] { $n } operaciones
}
api-docs-contents = Contenido
api-docs-schemas = Esquemas
api-docs-parameters = Parámetros
api-docs-required = obligatorio
api-docs-body = Cuerpo
api-docs-responses = Respuestas
api-docs-field = Campo
api-docs-type = Tipo
api-docs-description = Descripción

## Errores

error-go-home = Ir a la página de inicio
error-not-found-title = No encontrado
error-not-found-body = No hay nada aquí, o no tienes permiso para verlo.
error-sign-in-title = Inicia sesión
error-session-expired-title = Tu sesión terminó. Vuelve a iniciar sesión.
error-sign-in-body = Necesitas iniciar sesión para hacer esto.
error-forbidden-title = No permitido
error-forbidden-body = Puedes ver esto, pero no tienes permiso para hacer eso aquí.
error-conflict-title = No se puede hacer eso en este momento
error-gone-title = Este enlace ya no funciona
error-rate-limited-title = Demasiados intentos
error-rate-limited-body = Demasiados intentos. Espera unos minutos y vuelve a intentarlo.
error-storage-full-title = No se pudo guardar nada
error-storage-full-body = El servidor se ha quedado sin espacio de almacenamiento, así que no se guardó lo que enviaste. Guarda una copia e inténtalo más tarde; quienes administran el sitio ya lo saben.
error-quarantined-title = Este texto en vivo está apartado
error-quarantined-body = No se pudo leer el texto en vivo, así que se apartó y un administrador puede verlo. La página conserva su última versión guardada.
error-bad-query-title = Esa dirección no es del todo correcta
error-bad-query-body = Una parte de la dirección (después del “?”) no se pudo leer. Revisa el enlace, o vuelve atrás e inténtalo de nuevo.
error-bad-form-title = Hay un problema con ese formulario
error-bad-form-body = No se pudo leer el formulario. Vuelve atrás, recarga la página e inténtalo de nuevo.
error-csrf-title = Este formulario caducó
error-csrf-body = Por tu seguridad, los formularios solo funcionan desde la página de la que provienen. Vuelve atrás, recarga la página e inténtalo de nuevo.
error-internal-title = Algo salió mal
error-internal-body = Algo salió mal por nuestra parte. Vuelve a intentarlo en un momento.
error-kept-text = Lo que escribiste no se guardó. Cópialo desde aquí:

## Datos rechazados (mensajes de los campos)

invalid-empty = Este campo no puede estar vacío.
invalid-too-long = Es demasiado largo: como máximo { $limit } caracteres.
invalid-too-short = Es demasiado corto: al menos { $limit } caracteres.
invalid-characters = Usa solo estos caracteres: { $allowed }.
invalid-option = Elige una de las opciones.
invalid-email = Esto no parece una dirección de correo electrónico.
username-taken = Este nombre de usuario ya está en uso.
email-taken = Ya existe una cuenta con este correo electrónico.
slug-taken = Esta dirección ya está en uso. Prueba con otra.
slug-needed = Elige una dirección con letras y dígitos.
password-wrong = Esa no es tu contraseña actual.
user-unknown = No hay nadie con este nombre de usuario.
already-member = Esta persona ya es miembro.
invitee-not-in-community = Esta persona debe unirse a la comunidad antes de poder unirse a uno de sus equipos.
parent-only-for-teams = Solo los equipos pueden estar dentro de una comunidad.
parent-must-be-community = Los equipos solo pueden estar dentro de una comunidad.
reply-to-unknown = La publicación a la que respondes no está en este hilo.

## Acciones rechazadas

last-owner = Un espacio necesita al menos un propietario. Primero haz propietario a otra persona.
last-admin = La instancia necesita al menos un admin. Primero haz admin a otra persona.
cannot-suspend-self = No puedes suspender tu propia cuenta.
registration-invite-only = Esta instancia funciona solo por invitación: necesitas un enlace de invitación de un espacio para registrarte.
invite-no-longer-valid = Esta invitación ya no es válida.
invite-expired = Este enlace de invitación caducó. Pide uno nuevo.
invite-used-up = Este enlace de invitación ya alcanzó su número máximo de usos. Pide uno nuevo.
invite-already-decided = Esta invitación ya se respondió o se revocó.
request-already-decided = Esta solicitud ya se resolvió.
join-community-first = Únete primero a la comunidad y después a sus equipos.
demo-already-loaded = El contenido de demostración ya está cargado.

## Wiki

space-tab-wiki = Wiki
space-tab-library = Biblioteca
search = Buscar
wiki = Wiki
wiki-recent-changes = Cambios recientes
wiki-new-page = Nueva página
wiki-new-subpage = Añadir una página dentro de esta
wiki-empty = Aún no hay páginas. Empieza la base de conocimiento con una primera página.
wiki-protected = Protegida
wiki-protect = Proteger
wiki-unprotect = Quitar la protección
wiki-page-path = Ruta de la página
wiki-last-edit = Última edición de { $name }, { $when }
wiki-revisions = { $n ->
    [one] { $n } revisión
   *[other] { $n } revisiones
}
wiki-edit = Editar
wiki-talk = Discusión
wiki-subpages = Páginas dentro de esta
wiki-missing-title = Esta página aún no existe
wiki-missing-body = Hay un enlace que apunta aquí, pero nadie ha escrito esta página todavía.
wiki-create-this = Crear esta página
wiki-conflict = { $name } guardó esta página mientras la editabas.
wiki-conflict-help = Tus cambios se superponen con los suyos, así que no se guardó nada. Su versión está a la izquierda y la tuya a la derecha, tal como la escribiste. Combínalas en tu texto y vuelve a guardar.
wiki-conflict-theirs = Versión guardada (revisión { $n })
wiki-parent = Dentro de la página (opcional)
wiki-parent-help = La dirección de la página a la que pertenece esta, por ejemplo manual. Déjala vacía para una página de primer nivel.
wiki-text = Texto
wiki-text-help = Markdown. Enlaza otras páginas con [[Nombre de la página]] o [[Nombre de la página|texto visible]].
wiki-summary = ¿Qué cambiaste? (opcional)
wiki-history = Historial
wiki-compare = Comparar las revisiones seleccionadas
wiki-compare-from = Desde
wiki-compare-to = Hasta
wiki-compare-from-n = Comparar desde la revisión { $n }
wiki-compare-to-n = Comparar hasta la revisión { $n }
wiki-compare-current = Comparar con la versión actual
wiki-revision = Revisión
wiki-restore = Restaurar esta versión
wiki-restore-short = Restaurar
wiki-restore-n = Restaurar la revisión { $n }
wiki-summary-column = Resumen
wiki-diff = Cambios
wiki-diff-title = Cambios de la revisión { $from } a la { $to }
wiki-diff-line = En la línea { $n }
wiki-added = Añadido:
wiki-removed = Eliminado:
wiki-title-changed = Se cambió el título
wiki-no-difference = Estas revisiones tienen el mismo texto.
wiki-old-revision = Estás leyendo la revisión { $n }, de { $name },
wiki-created = creada
wiki-talk-title = Discusión: { $title }
wiki-talk-empty = Nadie ha comentado aún esta página. Haz una pregunta o propón un cambio; la conversación queda vinculada a la página.
wiki-talk-start = Inicia la conversación
wiki-page-exists = Ya existe una página con este título en este espacio.
wiki-parent-unknown = No hay ninguna página en esta dirección.
wiki-parent-cycle = Una página no puede estar dentro de sí misma ni de una de sus subpáginas.
wiki-parent-too-deep = Las páginas se pueden anidar como máximo en ocho niveles.
wiki-revision-unknown = No se reconoce la revisión desde la que empezaste. Recarga la página e inténtalo de nuevo.
wiki-changed = La página cambió mientras se guardaba. Inténtalo de nuevo.
wiki-talk-about = Esta es la página de discusión de la página wiki
flash-wiki-merged = Alguien guardó esta página mientras la editabas; tus cambios se combinaron con los suyos.
flash-wiki-restored = La versión anterior se restauró como una nueva revisión.

## Archivos y biblioteca

upload = Subir
upload-attach = Adjuntar un archivo
upload-help = Las imágenes aparecen en el texto; los demás archivos se convierten en enlaces.
upload-done = Archivo subido. Copia esto en tu texto:
upload-title = Archivo subido
file-empty = El archivo está vacío.
file-missing = Elige un archivo para subir.
file-too-large = El archivo supera el tamaño máximo permitido.
invalid-url = Escribe una dirección web que empiece por http:// o https://.
library = Biblioteca
library-new-item = Añadir a la biblioteca
library-edit-item = Editar elemento de la biblioteca
library-kind = Tipo
library-kind-link = Enlace
library-kind-file = Archivo
library-kind-article = Artículo
library-url = Dirección web
library-file = Archivo
library-description = Descripción (Markdown)
library-tags = Etiquetas
library-tags-help = Separadas por espacios o comas, por ejemplo: rust pruebas.
library-suggested = Sugerencia
library-suggest = Sugerir al espacio
library-unsuggest = Dejar de sugerir
library-empty = Aún no hay nada en la biblioteca.
library-all-tags = Todas
library-collections = Colecciones
library-new-collection = Nueva colección
library-collection-items = En esta colección
library-collection-empty = Esta colección está vacía. Añade elementos desde la biblioteca.
library-add-to = Añadir a una colección
library-remove = Quitar
library-move-up = Mover arriba
library-move-down = Mover abajo
library-delete = Eliminar
library-delete-confirm = ¿Eliminar esto para todos?
library-download = Descargar
library-open-link = Abrir enlace
library-item-unknown = Uno de los elementos no está en la biblioteca de este espacio.
library-collection-full = Una colección puede tener como máximo 200 elementos.
flash-item-deleted = Se eliminó el elemento.
flash-collection-deleted = Se eliminó la colección.

## Búsqueda

search-placeholder = Palabras, "una frase", tag:rust, space:guild, kind:wiki
search-help = Usa comillas para buscar una frase, -palabra para excluir una palabra, y tag:, space: o kind: (thread, post, wiki, library, collection) para acotar los resultados.
search-partial = Se está reconstruyendo el índice de búsqueda: estos resultados son solo una parte. Vuelve a intentarlo en un minuto para verlos todos.
search-count = { $n ->
    [0] No se encontró nada.
    [one] Un resultado.
   *[other] { $n } resultados.
}
search-ignored = Se omitió lo que no se entendió: { $terms }
search-refine = Acotar
search-facet-kind = Tipo
search-facet-space = Espacio
search-facet-tag = Etiqueta
search-kind-thread = Hilo
search-kind-post = Respuesta
search-kind-wiki = Página wiki
search-kind-library = Biblioteca
search-kind-collection = Colección
similar-heading = Quizá alguno de estos ya lo responda

## Facilitation and Q&A
anonymous = Anónimo
space-tab-facilitate = Facilitación
thread-filters = Mostrar hilos
thread-filter-all = Todos
thread-filter-questions = Preguntas
thread-filter-unanswered = Sin responder
thread-filter-unaccepted = Sin respuesta aceptada
thread-filter-empty = Ningún hilo coincide con este filtro.
thread-pinned = Fijado
thread-opens-at = Se abre el { $when }
thread-closed = Cerrado
thread-locked = Bloqueado
question-accepted = Respondida ✓
question-answered = Tiene respuestas
question-unanswered = Sin responder
thread-kind = ¿Qué quieres iniciar?
thread-kind-discussion = Un debate
thread-kind-discussion-help = Conversa sobre algo con el grupo.
thread-kind-question = Una pregunta
thread-kind-question-help = Las respuestas se votan y se puede aceptar una.
post-anonymously = Publicar de forma anónima para los demás miembros
post-anonymously-help = Los demás miembros ven “Anónimo”; los facilitadores del espacio siguen viendo quién lo escribió.
post-anonymous-badge = Anónimo para los demás miembros
thread-facilitator-options = Opciones de facilitación
thread-opens-at-label = Abrirlo más tarde (una propuesta programada)
thread-opens-at-help = Hasta entonces, solo los facilitadores lo ven. Déjalo vacío para abrirlo ahora. Las horas están en la zona horaria de tu navegador (UTC sin JavaScript).
thread-post-first-label = Modo publicar primero
thread-post-first-help = Los miembros ven las respuestas de los demás solo después de publicar la suya.
thread-post-first = Publicar primero
thread-slow-mode = Modo lento: una publicación cada { $interval }
thread-closed-notice = Este hilo está cerrado.
thread-locked-notice = Este hilo está bloqueado: por ahora no admite respuestas nuevas.
thread-post-first-hidden = { $n ->
    [one] 1 respuesta está oculta hasta que publiques la tuya: en este hilo se pide que cada persona piense primero por su cuenta.
   *[other] { $n } respuestas están ocultas hasta que publiques la tuya: en este hilo se pide que cada persona piense primero por su cuenta.
}
answers-count = { $n ->
    [one] 1 respuesta
   *[other] { $n } respuestas
}
votes = Votos
vote-up = Esta respuesta es útil
vote-down = Esta respuesta no es útil
answer-accepted = Respuesta aceptada
answer-endorsed-by = Respaldada por { $name }
answer-accept = Aceptar esta respuesta
answer-unaccept = Retirar la aceptación
answer-endorse = Respaldar
answer-unendorse = Retirar el respaldo
answer-heading = Tu respuesta
answer-label = Respuesta
answer-submit = Publicar respuesta
thread-split-pick = Separar
thread-facilitate = Facilitar este hilo
thread-pin = Fijar
thread-unpin = Dejar de fijar
thread-lock = Bloquear
thread-unlock = Desbloquear
thread-post-first-on = Activar el modo publicar primero
thread-post-first-off = Desactivar el modo publicar primero
thread-reopen = Reabrir
thread-close-reason = ¿Por qué se cierra?
thread-close = Cerrar
thread-slow-mode-label = Modo lento en este hilo
slow-mode-off = Desactivado
thread-move-label = Mover a otro espacio que facilitas
thread-move = Mover
thread-split-label = Título del nuevo hilo
thread-split-help = Marca “Separar” en las respuestas que quieras mover; la primera inicia el nuevo hilo.
thread-split = Separar las respuestas seleccionadas
thread-merge-label = Fusionar con el hilo de esta dirección
thread-merge-help = Pega la dirección del otro hilo. Las publicaciones de este hilo se colocarán después de las suyas, y los enlaces a este hilo llevarán allí.
thread-merge = Fusionar
thread-merge-confirm = ¿Fusionar este hilo con el otro? No se puede deshacer.
rules-heading = Reglas de los debates
rules-intro = Cómo funcionan los debates en este espacio. Se aplican a todos los miembros; a los facilitadores nunca se les aplica el modo lento ni se les ocultan respuestas.
rules-allow-anonymous = Los miembros pueden publicar de forma anónima para los demás
rules-allow-anonymous-help = Útil para preguntas que a la gente le cuesta hacer. Los facilitadores y propietarios siguen viendo quién escribió cada publicación.
rules-post-first = Los hilos nuevos empiezan en modo publicar primero
rules-slow-mode = Modo lento en todo el espacio
rules-slow-mode-help = El tiempo mínimo entre dos publicaciones de un mismo miembro, en cualquier parte de este espacio.
facilitate-shortcuts = Atajos
facilitate-schedule-prompt = Programar una propuesta de debate
interval-days = { $n ->
    [one] 1 día
   *[other] { $n } días
}
interval-hours = { $n ->
    [one] 1 hora
   *[other] { $n } horas
}
interval-minutes = { $n ->
    [one] 1 minuto
   *[other] { $n } minutos
}
interval-seconds = { $n ->
    [one] 1 segundo
   *[other] { $n } segundos
}
slow-mode-wait = El modo lento está activado aquí: podrás volver a publicar en { $interval }. Tu texto se conserva abajo.
error-slow-mode-title = Ve un poco más despacio
error-slow-mode-body = El modo lento está activado aquí: espera un momento antes de volver a publicar.
flash-answer-accepted = Se aceptó la respuesta.
flash-thread-updated = Se actualizó el hilo.
flash-thread-moved = Se movió el hilo.
flash-thread-split = Las respuestas ahora tienen su propio hilo.
flash-thread-merged = Se fusionaron los hilos.
flash-rules-saved = Se guardaron las reglas de los debates.
opens-at-past = Elige una fecha y hora futuras.
invalid-datetime = Escribe una fecha y una hora.
anonymous-not-allowed = Este espacio no permite publicaciones anónimas.
vote-value = Un voto es 1, -1 o 0.
slow-mode-range = Elige entre 0 y { $limit } segundos.
close-reason-required = Indica por qué se cierra el hilo.
move-space-unknown = Elige un espacio que facilites.
move-same-space = El hilo ya está en este espacio.
split-post-unknown = Solo se pueden separar las respuestas de este hilo.
split-nothing = Elige al menos una respuesta para separar.
merge-thread-unknown = Pega la dirección de un hilo de un espacio que facilites.
merge-same-thread = Un hilo no se puede fusionar consigo mismo.
thread-is-closed = Este hilo está cerrado.
thread-is-locked = Este hilo está bloqueado: por ahora no admite respuestas nuevas.
not-an-answer = Solo las respuestas a una pregunta se pueden votar, aceptar o respaldar.
not-a-question = Solo una pregunta tiene una respuesta aceptada.
vote-own-post = No puedes votar tu propia respuesta.
thread-is-talk = La página de discusión de una página wiki se queda con su página.
thread-scheduled = Una propuesta programada no se puede fusionar antes de que se abra.

## Learning activities: teams, assignments, quests, health
field-name = Nombre
space-tab-assignments = Tareas
space-tab-quests = Investigaciones
space-tab-teams = Equipos
health-title = Salud de la comunidad
health-csv = Descargar la tabla (CSV)
health-unanswered = Preguntas sin responder
health-unanswered-none = Todas las preguntas tienen respuesta.
health-waiting = esperando desde hace { $time }
health-first-answer = Tiempo hasta la primera respuesta
health-first-answer-median = { $n ->
    [one] la mediana de 1 pregunta respondida
   *[other] la mediana de { $n } preguntas respondidas
}
health-first-answer-mean = media: { $time }
health-first-answer-none = Aún no se ha respondido ninguna pregunta.
health-quiet = En silencio
health-quiet-none = Todo el mundo ha publicado últimamente.
health-last-post = última publicación: { $when }
health-never-posted = aún no ha publicado
health-activity = Publicaciones por semana
health-network = Quién respondió a quién
health-network-help = Cada flecha va de la persona que respondió a la persona a la que respondió; cuanto más gruesa es la flecha, más respuestas hay.
health-network-none = Aún nadie ha respondido a nadie.
health-participation = Participación
health-person = Persona
health-posts = Publicaciones
health-answers = Respuestas
health-accepted = Aceptadas
health-submissions = Entregas
health-reviews = Revisiones hechas
health-last = Última publicación
teams-none = Aún no hay conjuntos de equipos.
teams-auto-summary = { $n ->
    [one] Formados al azar, alrededor de 1 persona por equipo
   *[other] Formados al azar, alrededor de { $n } personas por equipo
}
teams-choose-summary = { $n ->
    [one] Los miembros eligen, como máximo 1 por equipo
   *[other] Los miembros eligen, como máximo { $n } por equipo
}
teams-yours = Tu equipo
teams-empty = Aún no hay nadie.
teams-join = Unirse a este equipo
teams-full = Completo
teams-new = Nuevo conjunto de equipos
teams-mode = ¿Cómo se forman los equipos?
teams-mode-auto = Al azar, ahora
teams-mode-auto-help = Los miembros de la comunidad se reparten en equipos de aproximadamente el tamaño indicado abajo.
teams-mode-choose = Los miembros eligen
teams-mode-choose-help = Los miembros eligen un equipo, hasta el tamaño indicado abajo.
teams-size = Personas por equipo
teams-count = Número de equipos que abrir (los miembros eligen)
teams-count-help = Solo se usa cuando los miembros eligen.
teams-create = Crear los equipos
teams-scope = Limitar un facilitador a ciertos equipos
teams-scope-help = Un facilitador limitado a ciertos equipos solo facilita esos equipos. Deja los equipos vacíos para quitar el límite.
teams-scope-teams = Direcciones de los equipos, separadas por espacios
assignments-none = Aún no hay tareas.
assignment-due = Vence el { $when }
assignment-submitted = Entregada
assignment-to-do = Pendiente
assignment-reviews-to-write = { $n ->
    [one] 1 revisión por escribir
   *[other] { $n } revisiones por escribir
}
assignment-new = Asignar una tarea
assignment-instructions = Instrucciones
assignment-opens = Se abre (vacío: ahora)
assignment-due-label = Fecha límite
assignment-audience = ¿Para quién?
assignment-audience-space = Todos los miembros de este espacio
assignment-audience-people = Personas elegidas
assignment-people = Nombres de usuario, separados por comas
assignment-audience-teams = Los equipos de un conjunto de equipos
assignment-per-team = Una entrega por equipo
assignment-reviewers = Revisores por entrega (revisión entre pares)
assignment-reviewers-help = 0 para no hacer revisión entre pares. Los revisores se sortean después de la fecha límite y nunca son del mismo equipo que quien hizo la entrega.
assignment-anonymous-reviews = Revisiones anónimas (autores y revisores no ven los nombres de los demás)
assignment-rubric = Rúbrica
assignment-rubric-help = Un criterio por línea: “Nombre: nivel más bajo | … | nivel más alto”, de dos a diez niveles.
assignment-create = Asignar
assignment-peer-review = { $n ->
    [one] Revisión entre pares a cargo de 1 persona
   *[other] Revisión entre pares a cargo de { $n } personas
}
assignment-my-work = Tu trabajo
assignment-our-work = El trabajo de tu equipo
assignment-submitted-at = Se entregó el { $when }
assignment-late = Con retraso
assignment-submit-label = Tu entrega
assignment-resubmit-label = Cambiar tu entrega
assignment-submit = Entregar
assignment-resubmit = Volver a entregar
assignment-feedback-from = Comentarios de { $name }
assignment-reviews-of-mine = Revisiones de tu trabajo
assignment-anonymous-reviewer = Una persona revisora
assignment-to-review = Revisiones que te toca escribir
assignment-work-number = Entrega { $n }
assignment-reviewed = Revisada
assignment-note = Una nota sobre esto (opcional)
assignment-note-on = Una nota sobre { $name }
assignment-review-comment = Comentario general
assignment-review-submit = Guardar la revisión
assignment-board = Tablero de estado
assignment-count-submitted = Entregadas: { $n }
assignment-count-late = Con retraso: { $n }
assignment-count-missing = Sin entregar: { $n }
assignment-count-pending = Aún sin vencer: { $n }
assignment-allocate = Asignar revisores
assignment-allocate-help = Cada entrega recibe sus revisores al azar entre quienes entregaron, con cargas tan equilibradas como lo permitan los equipos.
assignment-status = Estado
assignment-reviews = Revisiones
assignment-status-submitted = Entregada
assignment-status-late = Con retraso
assignment-status-missing = Sin entregar
assignment-status-pending = Aún no vence
assignment-read = Leer
assignment-feedback = Comentarios
assignment-feedback-send = Enviar comentarios
assignment-review-pending = Aún no
assignment-reassign-to = Nombre de usuario
assignment-reassign = Reasignar
quests-none = Aún no hay investigaciones.
quest-sources-count = { $n ->
    [one] 1 fuente
   *[other] { $n } fuentes
}
quest-findings-count = { $n ->
    [one] 1 hallazgo
   *[other] { $n } hallazgos
}
quest-distilled = Sintetizada en la wiki
quest-new = Proponer una investigación
quest-question = La pregunta
quest-brief = Qué buscar
quest-library = Partir de elementos de la biblioteca
quest-links = Enlaces, uno por línea (“Título | URL” o solo la URL)
quest-angles = Enfoques, uno por línea
quest-angles-help = Líneas de indagación de las que alguien se puede encargar, como “¿Qué dicen los estudios?”.
quest-create = Iniciar la investigación
quest-covered = Cubiertos: { $n }
quest-open = Aún libres: { $n }
quest-board = Fuentes y enfoques
quest-kind-library = Biblioteca
quest-kind-link = Enlace
quest-kind-angle = Enfoque
quest-still-open = aún libre
quest-claimed-by = a cargo de { $name }
quest-claim = Me encargo yo
quest-release = Dejarlo libre
quest-add-angle = Añadir un enfoque
quest-add = Añadir
quest-findings = Hallazgos
quest-no-findings = Aún no hay hallazgos.
quest-finding-about = Sobre
quest-finding-general = La pregunta en general
quest-finding = Tu hallazgo
quest-post-finding = Publicar hallazgo
quest-distill = Sintetizar en una página wiki
quest-distill-help = Crea una página wiki con los hallazgos, agrupados por fuente, cada uno con un enlace de vuelta aquí.
quest-distill-button = Crear la página
flash-team-set-created = Los equipos están listos.
flash-team-chosen = Te uniste al equipo.
flash-scope-saved = Se guardaron los equipos del facilitador.
flash-assignment-created = Se asignó la tarea.
flash-submitted = Se entregó tu trabajo.
flash-reviews-allocated = Se asignaron los revisores.
flash-review-submitted = Se guardó tu revisión.
flash-review-reassigned = La revisión tiene un nuevo revisor.
flash-feedback-sent = Se guardaron tus comentarios.
flash-quest-created = La investigación está en marcha.
flash-source-added = Añadido.
flash-finding-posted = Se publicó tu hallazgo.
flash-distilled = Los hallazgos ya son una página wiki.
team-set-needs-community = Los conjuntos de equipos pertenecen a una comunidad.
team-size-range = Elige entre 1 y { $limit }.
team-count-range = Elige entre 1 y { $limit } equipos.
team-set-not-choosable = Los equipos de este conjunto los forma el facilitador.
team-unknown = Aquí no hay ningún equipo así.
team-full = Este equipo está completo.
scope-needs-facilitator = Solo un facilitador de esta comunidad se puede limitar a ciertos equipos.
team-set-unknown = Elige un conjunto de equipos de este espacio.
due-before-open = La fecha límite debe ser posterior a la de apertura.
due-required = Indica una fecha límite.
assignee-unknown = Todas las personas indicadas deben ser miembros de este espacio.
assignees-required = Indica al menos una persona.
reviewers-range = Elige entre 0 y { $limit } revisores.
rubric-invalid = Cada criterio necesita un nombre y de 2 a 10 niveles; como máximo 20 criterios.
rubric-required = La revisión entre pares necesita una rúbrica.
assignment-not-open = Esta tarea aún no está abierta.
assignment-in-review = Las revisiones ya empezaron: no se admiten más entregas.
assignment-without-review = Esta tarea no tiene revisión entre pares.
assignment-not-due = Los revisores se asignan después de la fecha límite.
reviews-already-allocated = Los revisores ya están asignados.
review-scores-invalid = Elige un nivel para cada criterio.
reviewer-not-assigned = El revisor debe ser una de las personas a las que va dirigida esta tarea.
reviewer-own-work = Nadie revisa su propio trabajo ni el de su equipo.
reviewer-already-on = Esa persona ya revisa esta entrega.
quest-source-unknown = Esa fuente no está en esta investigación.
source-claimed = Otra persona ya se encarga de esto.
thread-not-open = Esta propuesta aún no se ha abierto: se podrá responder cuando se abra.
merge-post-first = Un hilo en modo publicar primero solo puede fusionarse con otro hilo en ese modo.
thread-open-now = Abrirla ahora
thread-already-open = Este hilo ya está abierto.
flash-prompt-opened = La propuesta está abierta.
assignment-edit = Editar esta tarea
assignment-save = Guardar los cambios
flash-assignment-updated = La tarea se ha actualizado.
assignment-times-help = Las horas están en la zona horaria de tu navegador (UTC sin JavaScript).

## Social
reactions = Reacciones
reaction-helpful = Útil
reaction-insightful = Revelador
reaction-thanks = Gracias
reaction-celebrate = ¡Enhorabuena!
reaction-curious = Curiosidad, cuéntame más
reaction-add = Añadir una reacción
reaction-page-title = Reaccionar a esta publicación
reaction-page-help = Elige una reacción; si eliges una que ya diste, la retiras.
nav-people = Personas
people-title = Personas
people-search = Nombre
people-skill = Sabe de
people-interest = Quiere aprender
people-filter = Buscar
people-none = Todavía no hay nadie que encaje.
profile-skills = Sabe de
profile-interests = Quiere aprender
expertise-edit = Habilidades e intereses
expertise-title = Habilidades e intereses
expertise-intro = Cuenta a los demás en qué puedes ayudar y qué te gustaría aprender: el directorio de personas te encuentra por ello.
expertise-help = Hasta diez de cada uno, separados por espacios o comas, como rust postgres incident-review.
flash-expertise-saved = Tus habilidades e intereses se han guardado.

## Networked learning: follows, tags, notifications, email

nav-notifications = Notificaciones
nav-notifications-unread = { $n ->
    [one] Notificaciones, 1 sin leer
   *[other] Notificaciones, { $n } sin leer
}
home-feed = Tus novedades
home-feed-empty = Todavía no hay nada aquí. Únete a espacios o sigue a personas, hilos y etiquetas, y lo que publiquen aparecerá aquí.
follow-follow = Seguir
follow-following = Siguiendo
follow-kind-person = persona
follow-kind-space = espacio
follow-kind-thread = hilo
follow-kind-tag = etiqueta
flash-followed = Ahora lo sigues.
flash-unfollowed = Ya no lo sigues.
flash-blocked = Persona bloqueada. Nada de lo que escriba te llegará como mención, mensaje ni notificación.
flash-unblocked = Persona desbloqueada.
flash-notifications-read = Todas las notificaciones están marcadas como leídas.
flash-saved = Guardado.
block-block = Bloquear
block-undo = Desbloquear
block-explain = Al bloquear a alguien, dejan de llegarte sus menciones, mensajes y notificaciones. No se le avisa.
tag-content = Contenido con esta etiqueta
tag-empty = Todavía no hay nada que puedas leer con esta etiqueta.
tag-kind-wiki = página wiki
tag-kind-reply = respuesta
tag-kind-post = publicación
tag-experts = Quién sabe de esto
tag-no-experts = Nadie todavía: las respuestas aceptadas y las ediciones de la wiki con esta etiqueta mostrarán quién sabe.
tag-accepted-answers = { $n ->
    [one] 1 respuesta aceptada
   *[other] { $n } respuestas aceptadas
}
tag-wiki-edits = { $n ->
    [one] 1 edición de la wiki
   *[other] { $n } ediciones de la wiki
}
tag-people-with-skill = Personas que lo tienen como habilidad
notifications-title = Notificaciones
notifications-mark-read = Marcar todo como leído
notifications-settings = Configuración
notifications-empty = Aún no tienes notificaciones. Aquí aparecerán las respuestas, las menciones y las novedades de lo que sigues.
notifications-unread = Sin leer
notification-mention = { $actor } te mencionó en “{ $title }”
notification-reply = { $actor } te respondió en “{ $title }”
notification-accepted = Se aceptó tu respuesta en “{ $title }”
notification-review = { $actor } revisó tu entrega de “{ $title }”
notification-invitation = { $actor } te invitó a { $title }
notification-join_request = { $actor } pidió unirse a { $title }
notification-thread = { $actor } respondió en “{ $title }”, que sigues
notification-space = { $actor } publicó “{ $title }” en un espacio que sigues
notification-settings-title = Configuración de notificaciones
notification-settings-no-email = El correo electrónico no está disponible: añade una dirección de correo a tu cuenta y pide a tu administrador que configure el envío de correo. Entonces se aplicarán tus opciones de correo.
notification-settings-kind = Qué pasó
notification-settings-delivery = Cómo avisarte
notification-settings-digest = Con qué frecuencia llega el resumen
notification-kind-mention = Alguien te menciona
notification-kind-reply = Alguien te responde
notification-kind-accepted = Se acepta tu respuesta
notification-kind-review = Se revisa tu trabajo
notification-kind-invitation = Te invitan a un espacio
notification-kind-join_request = Alguien pide unirse a un espacio que gestionas
notification-kind-thread = Respuestas en hilos que sigues
notification-kind-space = Nuevos hilos y páginas en espacios que sigues
delivery-app = Solo en Stoa
delivery-email = Correo al momento
delivery-digest = En el resumen
delivery-off = No avisarme
digest-daily = Diario
digest-weekly = Semanal
digest-never = Nunca
following-title = Lo que sigues
following-none = Todavía no sigues nada. Sigue a personas, espacios, hilos y etiquetas desde sus páginas.
blocked-title = Personas que bloqueaste
blocked-none = No has bloqueado a nadie.
unsubscribe-title = Cancelar suscripción
unsubscribe-ask = { $name }, ¿dejar de recibir correos de: { $what }?
unsubscribe-confirm = Dejar de recibir estos correos
unsubscribe-done = Listo, { $name }: ya no recibirás correos de { $what }. Seguirás viéndolo todo en Stoa.
unsubscribe-settings = Toda la configuración de notificaciones
unsubscribe-what-digest = el resumen
unsubscribe-what-mention = menciones
unsubscribe-what-reply = respuestas a tus mensajes
unsubscribe-what-accepted = respuestas aceptadas
unsubscribe-what-review = revisiones de tu trabajo
unsubscribe-what-invitation = invitaciones
unsubscribe-what-join_request = solicitudes para unirse
unsubscribe-what-thread = respuestas en hilos que sigues
unsubscribe-what-space = novedades de espacios que sigues
mail-greeting = Hola, { $name }:
mail-open = Abrir en Stoa
mail-why = Recibes esto por tu configuración de notificaciones.
mail-unsubscribe = Dejar de recibir estos correos
mail-settings = Configuración de notificaciones
mail-subject-digest-daily = Tu resumen diario de { $site }
mail-subject-digest-weekly = Tu resumen semanal de { $site }
mail-digest-intro = Esto es lo que pasó desde tu último resumen.
feeds-public = Síguelo en un lector de feeds (solo publicaciones públicas):

## Blogs y pódcasts
space-tab-blog = Blog
blog = Blog
blog-new = Nueva entrada
blog-edit = Editar entrada
blog-empty = Todavía no hay entradas.
blog-draft = Borrador
blog-episode = Episodio de pódcast
blog-download = Descargar el audio
blog-comments = Comentarios
blog-body = Entrada (Markdown)
blog-cover = Imagen de portada
blog-audio = Archivo de sonido (convierte la entrada en un episodio de pódcast)
blog-audio-help = MP3, M4A, Ogg o WAV. Se incluye en el feed de pódcast del blog.
blog-remove-cover = Quitar la imagen de portada
blog-remove-audio = Quitar el archivo de sonido
blog-publish = Publicar (si no, queda como borrador que solo ven quienes facilitan)
blog-cover-invalid = Elige una imagen subida a este espacio.
blog-audio-invalid = Elige un archivo de sonido subido a este espacio.

## Mensajes privados
messages-title = Mensajes
messages-inbox = Conversaciones
messages-empty = Todavía no hay mensajes. Escribe a alguien con el formulario o desde su perfil.
messages-new = Nuevo mensaje
messages-to = Para
messages-to-help = Uno o más nombres de usuario, separados por espacios o comas (hasta 8 personas).
messages-body = Mensaje
messages-send = Enviar
messages-reply = Responder
messages-older = Mensajes anteriores
messages-write = Mensaje
messages-blocked = Hay un bloqueo entre tú y alguien de esta conversación, así que no se pueden escribir mensajes nuevos.
message-no-recipient = Escribe al menos a otra persona.
message-too-many = Una conversación admite como máximo otras 8 personas.
message-unknown-recipient = No hay nadie con ese nombre de usuario.
message-blocked = No puedes escribir a esta persona: una de las dos ha bloqueado a la otra.
notification-message = { $actor } te ha enviado un mensaje
notification-kind-message = Alguien te envía un mensaje
unsubscribe-what-message = mensajes privados
follow-self = No puedes seguirte a ti mismo.
block-self = No puedes bloquearte a ti mismo.
invalid-tag = Indica exactamente una etiqueta: letras, dígitos, - o _.

## Moderación
post-flag = Denunciar
post-hidden-badge = Oculta
post-hidden-help = Un moderador ocultó esta publicación: solo tú y los moderadores del espacio pueden leerla.
post-hidden-note = Un moderador ocultó esta publicación.
flag-title = Denunciar esta publicación
flag-back = Volver a la publicación
flag-help = Los facilitadores del espacio la revisarán. No se le dice al autor quién la denunció.
flag-reason = ¿Qué problema tiene?
flag-reason-spam = Spam
flag-reason-spam-help = Publicidad, o publicado una y otra vez.
flag-reason-abuse = Acoso o abuso
flag-reason-abuse-help = Ataca, amenaza o humilla a alguien.
flag-reason-off_topic = Fuera de tema
flag-reason-off_topic-help = No pertenece a esta conversación.
flag-reason-inappropriate = Inapropiada
flag-reason-inappropriate-help = Contenido que no tiene lugar en esta comunidad.
flag-reason-other = Otra cosa
flag-reason-other-help = Explícalo en la nota.
flag-note = Nota para los moderadores
flag-note-optional = (necesaria para «Otra cosa»)
flag-submit = Enviar a los moderadores
flag-note-needed = Di en pocas palabras qué problema tiene.
flag-own-post = No puedes denunciar tu propia publicación; edítala o bórrala.
already-flagged = Ya denunciaste esta publicación; los moderadores la revisarán.
warn-self = No puedes advertirte a ti mismo.
flash-flagged = Gracias. Los moderadores revisarán esta publicación.
flash-post-hidden = La publicación está oculta.
flash-post-restored = La publicación vuelve a mostrarse.
flash-flags-dismissed = Denuncias descartadas; la publicación queda como está.
flash-author-warned = Advertencia enviada.
space-tab-moderation = Moderación
moderation-title = Moderación
moderation-all-spaces = Todos los espacios que modero
moderation-flagged = Publicaciones denunciadas
moderation-flagged-empty = Nada espera una decisión.
moderation-flags = Denuncias
moderation-flagged-by = denunciada por { $name }
moderation-hide = Ocultar
moderation-restore = Volver a mostrar
moderation-dismiss = Descartar las denuncias
moderation-warn = Advertir a { $name }…
moderation-warn-message = Lo que el autor debe saber (lo leerá en sus notificaciones)
moderation-warn-send = Enviar la advertencia
moderation-hidden = Publicaciones ocultas
moderation-hidden-empty = No hay publicaciones ocultas.
moderation-hidden-by = ocultada por { $name }
moderation-history = Denuncias y decisiones recientes
moderation-history-empty = Nada todavía.
notification-warning = Un moderador te escribió sobre tu publicación en «{ $title }»
notification-kind-warning = Un moderador te advierte sobre una publicación
notification-flag = { $actor } denunció una publicación en «{ $title }»
notification-kind-flag = Se denuncia una publicación en un espacio que moderas
unsubscribe-what-warning = advertencias de moderadores
unsubscribe-what-flag = publicaciones denunciadas
audit-title = Registro de auditoría
audit-help = Cada acción de moderadores, facilitadores, propietarios y administradores, de la más reciente a la más antigua, con quién y cuándo.
audit-empty = Ningún moderador ni administrador ha actuado todavía.
audit-operator = Un operador (línea de comandos)
audit-target-post = una publicación
audit-target-thread = un hilo
audit-target-person = una persona
audit-post-hidden = { $actor } ocultó una publicación
audit-post-restored = { $actor } volvió a mostrar una publicación oculta
audit-post-flags_dismissed = { $actor } descartó las denuncias de una publicación
audit-post-author_warned = { $actor } advirtió al autor de una publicación
audit-post-flagged = { $actor } denunció una publicación
audit-post-deleted = { $actor } borró la publicación de otra persona
audit-chat-deleted = { $actor } eliminó un mensaje de chat de otra persona
audit-post-endorsed = { $actor } respaldó una respuesta
audit-thread-state_changed = { $actor } cambió el estado de un hilo
audit-thread-moved = { $actor } movió un hilo
audit-thread-split = { $actor } dividió un hilo
audit-thread-merged = { $actor } fusionó dos hilos
audit-space-rules_changed = { $actor } cambió las reglas de conversación de un espacio
audit-space-updated = { $actor } cambió la configuración de un espacio
audit-member-removed = { $actor } quitó a un miembro
audit-member-role_changed = { $actor } cambió el rol de un miembro
audit-join_request-decided = { $actor } decidió sobre una solicitud de ingreso
audit-space-facilitator_scoped = { $actor } limitó un facilitador a algunos equipos
audit-review-reassigned = { $actor } reasignó una revisión por pares
audit-admin-user_changed = { $actor } cambió una cuenta
audit-admin-settings_changed = { $actor } cambió la configuración de la instancia
audit-doc-discarded = { $actor } reinició un texto en vivo apartado
audit-detail-note = Nota
audit-detail-reason = Motivo
audit-detail-message = Mensaje
audit-detail-role = Rol
audit-detail-title = Título
audit-detail-suspended = Suspendida
audit-detail-is_admin = Administrador
audit-detail-registration = Registro
audit-detail-instance_name = Nombre de la instancia
profile-contributions = Aportes recientes
profile-no-contributions = Nada que puedas leer todavía.
settings-avatar = Foto
settings-avatar-current = Tu foto
settings-avatar-choose = Una foto nueva
settings-avatar-help = PNG, JPEG, GIF o WebP, hasta 1 MB; mejor cuadrada. Sin foto se muestran tus iniciales.
settings-avatar-upload = Subir
settings-avatar-remove = Quitar la foto
avatar-too-large = Esta imagen es demasiado grande: 1 MB como máximo.
avatar-not-picture = Esto no es una imagen que Stoa pueda mostrar: usa PNG, JPEG, GIF o WebP.
avatar-upload-broken = La subida se interrumpió. Inténtalo de nuevo.
flash-avatar-saved = Tu foto está guardada.
flash-avatar-removed = Foto quitada; se muestran tus iniciales.
blog-personal-name = Blog de { $name }
blog-personal-link = Blog de { $name }
blog-personal-start = Empezar mi blog
flash-blog-started = Tu blog está listo: escribe su primera entrada.
tag-kind-blog = entrada de blog
audit-detail-from = Antes
audit-detail-to = Después
live-new-replies = Han llegado respuestas nuevas: mostrarlas
live-new-activity = Hay hilos o respuestas nuevos: mostrarlos

## Chat
chat = Chat
chat-messages = Mensajes
chat-here-now = Aquí ahora
chat-here-count = { $n ->
    [0] No hay nadie ahora
    [one] Una persona aquí ahora
   *[other] { $n } personas aquí ahora
}
chat-older = Mensajes anteriores
chat-newest = Volver a los mensajes más recientes
chat-empty = Nadie ha escrito aquí todavía. ¡Saluda!
chat-write = Mensaje
chat-write-help = Puedes usar Markdown y @menciones. Con JavaScript, Intro envía y Mayús+Intro empieza una línea nueva.
chat-deleted = Mensaje eliminado
chat-edited = editado
chat-edit = Editar mensaje
chat-delete-confirm = ¿Eliminar este mensaje para todos?
chat-typing = { $names } está escribiendo…
chat-gone = Ya no puedes participar en este chat.

## Live editing
wiki-edit-live = Editar juntos
wiki-live-help = Todos en esta página escriben en el mismo texto y ven los cursores de los demás. No se pierde nada si cierras la página: el texto se guarda mientras se escribe. Guarda una versión para añadirla al historial de la página.
wiki-live-people = Escribiendo ahora
wiki-live-online = Conectado: los cambios se comparten mientras escribes
wiki-live-offline = Sin conexión: sigue escribiendo, tus cambios se compartirán cuando vuelva la conexión
wiki-live-save = Guardar como versión
wiki-live-saved = Guardado como nueva versión.
wiki-live-conflict = Alguien guardó la página con el editor simple cambiando las mismas líneas. El texto en vivo se conserva; abre el editor simple para combinar ambos.
wiki-live-plain = Editor simple
wiki-live-noscript = La edición en vivo necesita JavaScript. Este es el texto en vivo tal como está; puedes guardarlo como versión o usar el editor simple.
flash-thread-hidden = El hilo está oculto: solo su autor y los moderadores lo ven.
flash-thread-restored = El hilo vuelve a mostrarse.
thread-hidden-notice = Un moderador ocultó este hilo: solo su autor y los moderadores del espacio pueden verlo.
thread-hide = Ocultar este hilo
thread-show = Volver a mostrar este hilo
audit-thread-hidden = { $actor } ocultó un hilo
audit-thread-restored = { $actor } volvió a mostrar un hilo oculto
mail-subject-account-exists = Alguien se registró en { $site } con tu dirección
mail-account-exists = Alguien se registró en { $site } con esta dirección de correo, que ya tiene tu cuenta @{ $username }. Si fuiste tú: ya tienes una cuenta y puedes entrar con ella abajo; la cuenta nueva se creó sin esta dirección. Si no fuiste tú, no hace falta que hagas nada.
