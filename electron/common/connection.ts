/**
 * Where the connection to the station service stands, as the status bar shows it at all times: the web
 * client, the preload (Electron) and the Electron shell's service host all speak this one type.
 * `unauthorized` is the web bridge refusing the token; the Electron shell never reaches it.
 */
export type ConnectionState = 'connecting' | 'online' | 'reconnecting' | 'unauthorized';
