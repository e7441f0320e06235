import { QuartzConfig } from "./quartz/cfg"

const config: QuartzConfig = {
  configuration: {
    pageTitle: "A small garden",
    enableSPA: true,
    baseUrl: "garden.example.org",
  },
  plugins: { transformers: [], filters: [], emitters: [] },
}

export default config
