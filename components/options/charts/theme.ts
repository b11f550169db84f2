/**
 * Chart colours that read well in the page's light and dark schemes. The page's own colours come
 * from its CSS variables (components/theme.css); the categorical series colours are picked per
 * scheme so bars keep their contrast against either background.
 */
import { useEffect, useState } from 'preact/hooks';

export type Scheme = 'light' | 'dark';

export interface ChartTheme {
  scheme: Scheme;
  fg: string;
  muted: string;
  grid: string;
  good: string;
  bad: string;
  accent: string;
  /** Categorical colours for series (formats, reasons). */
  series: string[];
}

const SERIES: Record<Scheme, string[]> = {
  // Okabe–Ito based, darkened for white and lightened for near-black backgrounds.
  light: ['#0b6fb3', '#b35806', '#117a65', '#8e3b8e', '#7a6a00', '#5b3fd9', '#a3322f', '#3d6b21'],
  dark: ['#6cb8f0', '#f5a35c', '#4fd1b0', '#d99ad9', '#e0cc55', '#a48cff', '#f08c86', '#94d36e'],
};

const FALLBACK: Record<Scheme, Omit<ChartTheme, 'scheme' | 'series'>> = {
  light: { fg: '#1f2328', muted: '#59636e', grid: '#d1d9e0', good: '#1a7f37', bad: '#cf222e', accent: '#5b3fd9' },
  dark: { fg: '#e6edf3', muted: '#9198a1', grid: '#3d444d', good: '#3fb950', bad: '#f85149', accent: '#a48cff' },
};

export function currentScheme(): Scheme {
  try {
    return globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  } catch {
    return 'light';
  }
}

/** The theme in force: CSS variables when the page defines them, the scheme's defaults otherwise. */
export function readChartTheme(scheme: Scheme = currentScheme()): ChartTheme {
  const fb = FALLBACK[scheme];
  let css: CSSStyleDeclaration | null = null;
  try {
    css = getComputedStyle(document.documentElement);
  } catch {
    css = null;
  }
  const v = (name: string, dflt: string) => css?.getPropertyValue(name).trim() || dflt;
  return {
    scheme,
    fg: v('--u-fg', fb.fg),
    muted: v('--u-muted', fb.muted),
    grid: v('--u-border', fb.grid),
    good: v('--u-ok', fb.good),
    bad: v('--u-bad', fb.bad),
    accent: v('--u-accent', fb.accent),
    series: SERIES[scheme],
  };
}

/** The theme, re-read when the user's colour scheme changes. */
export function useChartTheme(): ChartTheme {
  const [theme, setTheme] = useState<ChartTheme>(() => readChartTheme());
  useEffect(() => {
    const mq = globalThis.matchMedia?.('(prefers-color-scheme: dark)');
    if (!mq) return;
    const onChange = () => setTheme(readChartTheme(mq.matches ? 'dark' : 'light'));
    mq.addEventListener?.('change', onChange);
    return () => mq.removeEventListener?.('change', onChange);
  }, []);
  return theme;
}
