import { useId } from 'react';

/**
 * The Offramp mark: a road with a ramp curving off it, on the brand green.
 * Same drawing as public/favicon.svg and the app icons (appPackage/scripts/make-icons.mjs).
 */
export function OfframpMark({ size = 28, title }: { size?: number; title?: string }) {
  const gradient = useId();
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      role={title ? 'img' : undefined}
      aria-hidden={title ? undefined : true}
      aria-label={title}
      focusable="false"
    >
      <defs>
        <linearGradient id={gradient} x1="0" y1="0" x2="0" y2="1">
          <stop offset="0" stopColor="#12906A" />
          <stop offset="1" stopColor="#0B6A4D" />
        </linearGradient>
      </defs>
      <rect width="24" height="24" rx="5" fill={`url(#${gradient})`} />
      <path d="M8.5 20V4" stroke="#fff" strokeOpacity="0.6" strokeWidth="2.6" strokeLinecap="round" fill="none" />
      <path d="M8.5 17Q8.5 12 14.5 7" stroke="#fff" strokeWidth="2.6" strokeLinecap="round" fill="none" />
      <path d="M17.11 4.82L16.36 9.23L12.64 4.77Z" fill="#fff" />
    </svg>
  );
}
