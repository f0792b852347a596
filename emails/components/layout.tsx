import { Body, Container, Head, Heading, Hr, Html, Preview, Text } from "@react-email/components";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

interface Props {
  /** the inbox preview line */
  preview: string;
  heading: string;
  footer: string;
  children: ReactNode;
}

/** The frame every member email shares: preview line, card, heading, then a rule and a footer. */
export function EmailLayout({ preview, heading, footer, children }: Props) {
  const { i18n } = useTranslation("emails");
  return (
    <Html lang={i18n.language} dir={i18n.dir()}>
      <Head />
      <Preview>{preview}</Preview>
      <Body style={bodyStyle}>
        <Container style={containerStyle}>
          <Heading style={headingStyle}>{heading}</Heading>
          {children}
          <Hr style={hrStyle} />
          <Text style={footerStyle}>{footer}</Text>
        </Container>
      </Body>
    </Html>
  );
}

export const text = { fontSize: "15px", color: "#1a1f36", lineHeight: "1.5" };
export const button = {
  backgroundColor: "#4f46e5",
  color: "#ffffff",
  padding: "10px 18px",
  borderRadius: "8px",
  fontWeight: 600,
};

const bodyStyle = {
  backgroundColor: "#f6f8fb",
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
};
const containerStyle = {
  backgroundColor: "#ffffff",
  margin: "24px auto",
  padding: "24px",
  maxWidth: "560px",
  borderRadius: "10px",
};
const headingStyle = { fontSize: "22px", color: "#1a1f36" };
const hrStyle = { borderColor: "#e3e8ee", margin: "24px 0 12px" };
const footerStyle = { fontSize: "12px", color: "#5b6478" };
