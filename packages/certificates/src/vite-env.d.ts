// Vite turns `?url` imports into the asset's public URL (vite/client declares the same for apps).
declare module '*.ttf?url' {
  const url: string;
  export default url;
}
